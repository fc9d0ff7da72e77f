/** Text meant for people (error messages, logs) with every secret in it replaced by [hidden]. */

/** Removes every given secret, and anything that looks like an apikey parameter or field, from text. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let scrubbed = text
    .replace(/(apikey=)[^&\s"'#]+/gi, '$1[hidden]')
    .replace(/("apikey"\s*:\s*")[^"]*(")/gi, '$1[hidden]$2');
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; real JazzHR keys are long.
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      scrubbed = scrubbed.split(form).join('[hidden]');
  }
  return scrubbed;
}

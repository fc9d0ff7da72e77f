/**
 * What a Zapier error says. `z.errors.Error` keeps its message, code and status as JSON in
 * `error.message`; these read them back (an error with a plain message has no code).
 */

function fields(error: unknown): { message?: unknown; code?: unknown } | undefined {
  if (!(error instanceof Error)) return undefined;
  try {
    const parsed: unknown = JSON.parse(error.message);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The code of a Zapier error, such as the `jazzhr_…` codes the JazzHR client gives. */
export function zapierErrorCode(error: unknown): string | undefined {
  const code = fields(error)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The text a user sees: the message inside a Zapier error, else the error's own message. */
export function zapierErrorMessage(error: Error): string {
  const message = fields(error)?.message;
  return typeof message === 'string' ? message : error.message;
}

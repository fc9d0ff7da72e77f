/**
 * The baseline for the lookup-cost figure: Create Applicant's duplicate check as it was before
 * issue 13. It lists applicants by name and reads the detail of every one listed (exact names
 * first, then newest, at most 10) until an email matches, then posts and reads the new record
 * back when none did. JazzHR's loose name filter makes it read every namesake's detail.
 */
const MAX_DETAILS = 10;

interface Summary {
  id: string;
  first_name: string;
  last_name: string;
}

interface Person {
  first_name: string;
  last_name: string;
  email: string;
}

function getter(apiUrl: string, apiKey: string) {
  return async (path: string): Promise<unknown> => {
    const response = await fetch(`${apiUrl}/${path}?apikey=${encodeURIComponent(apiKey)}`);
    if (!response.ok) throw new Error(`naive lookup: GET ${path} → ${response.status}`);
    return response.json();
  };
}

/** True when an applicant with this name and email was found, as the old lookup searched. */
export async function naiveLookup(
  apiUrl: string,
  apiKey: string,
  person: Person,
): Promise<boolean> {
  const get = getter(apiUrl, apiKey);
  const name = `${person.first_name} ${person.last_name}`;
  const listed = await get(`applicants/name/${encodeURIComponent(name)}/page/1`);
  const candidates = (Array.isArray(listed) ? listed : listed ? [listed] : []) as Summary[];
  const exact = (c: Summary) =>
    `${c.first_name} ${c.last_name}`.toLowerCase() === name.toLowerCase();
  const ranked = [...candidates].sort(
    (a, b) => Number(exact(b)) - Number(exact(a)) || b.id.localeCompare(a.id),
  );
  for (const candidate of ranked.slice(0, MAX_DETAILS)) {
    const detail = (await get(`applicants/${encodeURIComponent(candidate.id)}`)) as {
      email?: string;
    };
    if (detail.email?.toLowerCase() === person.email.toLowerCase()) return true;
  }
  return false;
}

export async function naiveCreateApplicant(
  apiUrl: string,
  apiKey: string,
  person: Person,
): Promise<'created' | 'existing'> {
  if (await naiveLookup(apiUrl, apiKey, person)) return 'existing';
  const posted = await fetch(`${apiUrl}/applicants`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...person, apikey: apiKey }),
  });
  const { prospect_id } = (await posted.json()) as { prospect_id: string };
  await getter(apiUrl, apiKey)(`applicants/${encodeURIComponent(prospect_id)}`);
  return 'created';
}

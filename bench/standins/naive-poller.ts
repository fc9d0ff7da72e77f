/**
 * The baseline for the poll-cost figure: a poll written the way public JazzHR connectors
 * write it, listing page 1 and then fetching every listed record's detail so that each item
 * carries the fields the list lacks (email, contact details…). It makes 1 + N requests per
 * poll whether or not anything is new.
 */
export async function naivePoll(
  apiUrl: string,
  apiKey: string,
  resource: string,
): Promise<Record<string, unknown>[]> {
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${apiUrl}/${path}?apikey=${encodeURIComponent(apiKey)}`);
    if (!response.ok)
      throw new Error(`naive poll: GET /${path.split('/')[0]} → ${response.status}`);
    return response.json();
  };
  const listed = await get(`${resource}/page/1`);
  const records = (Array.isArray(listed) ? listed : listed ? [listed] : []) as { id: string }[];
  const details: Record<string, unknown>[] = [];
  for (const record of records) {
    details.push(
      (await get(`${resource}/${encodeURIComponent(record.id)}`)) as Record<string, unknown>,
    );
  }
  return details;
}

// The operator's read-only JSON under /ui/api; every call is same-origin, which the page's CSP requires.
export async function get(path) {
  const response = await fetch(`api/${path}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).error ?? detail; } catch { /* not JSON */ }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

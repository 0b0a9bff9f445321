// The JSON API's routes, and fetching them so that an API error shows as its own message. Lists come a page at a
// time (limit, offset, sort, and their total); the pages ask for the most one answer holds.

const host = name => `/api/hosts/${encodeURIComponent(name)}`;

/** The longest page the API answers. */
export const MAX_PAGE = 1000;

export const api = {
  policies: () => '/api/policies',
  hosts: () => '/api/hosts',
  host,
  processes: (name, policy) => `${host(name)}/processes?policy=${encodeURIComponent(policy)}&limit=${MAX_PAGE}`,
  process: (name, pid) => `${host(name)}/processes/${pid}?limit=${MAX_PAGE}`,
  whatIfKilled: (name, pid) => `${host(name)}/processes/${pid}/what-if-killed`,
  exit: (name, pid) => `${host(name)}/exits/${pid}`,
  largestBuffers: (name, count) => `${host(name)}/buffers?sort=size&limit=${count}`,
  oom: name => `${host(name)}/oom`,
  history: name => `${host(name)}/history`,
  cgroups: name => `${host(name)}/cgroups`,
  hostOomKills: name => `${host(name)}/oom-kills`,
  oomKills: () => '/api/oom-kills',
};

/** {@code path} as of the instant {@code at} (RFC 3339), or live when {@code at} is null. */
export const asOf = (path, at) => (at === null ? path : `${path}${path.includes('?') ? '&' : '?'}at=${encodeURIComponent(at)}`);

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) {
    // The status goes with the message, so a page can tell "gone" (404) from a failure.
    throw Object.assign(new Error(body.error ?? `${path}: HTTP ${response.status}`), { status: response.status });
  }
  return body;
}

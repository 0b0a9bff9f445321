// The JSON API's routes, and fetching them so that an API error shows as its own message.

const host = name => `/api/hosts/${encodeURIComponent(name)}`;

export const api = {
  policies: () => '/api/policies',
  hosts: () => '/api/hosts',
  host,
  processes: (name, policy) => `${host(name)}/processes?policy=${encodeURIComponent(policy)}`,
  process: (name, pid) => `${host(name)}/processes/${pid}`,
  whatIfKilled: (name, pid) => `${host(name)}/processes/${pid}/what-if-killed`,
  buffers: name => `${host(name)}/buffers`,
  oom: name => `${host(name)}/oom`,
  history: name => `${host(name)}/history`,
  hostOomKills: name => `${host(name)}/oom-kills`,
  oomKills: () => '/api/oom-kills',
};

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(body.error ?? `${path}: HTTP ${response.status}`);
  }
  return body;
}

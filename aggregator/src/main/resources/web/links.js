// The view's own pages. Links carry the chosen policy, so it stays chosen from page to page.

export const pages = {
  fleet: policy => `/?policy=${encodeURIComponent(policy)}`,
  host: (host, policy) => `/hosts/${encodeURIComponent(host)}?policy=${encodeURIComponent(policy)}`,
  cgroups: (host, policy) => `/hosts/${encodeURIComponent(host)}/cgroups?policy=${encodeURIComponent(policy)}`,
  process: (host, pid, policy) =>
    `/hosts/${encodeURIComponent(host)}/processes/${pid}?policy=${encodeURIComponent(policy)}`,
  oomKills: (host, policy) => (host === null ? '/oom-kills' : `/hosts/${encodeURIComponent(host)}/oom-kills`)
    + `?policy=${encodeURIComponent(policy)}`,
};

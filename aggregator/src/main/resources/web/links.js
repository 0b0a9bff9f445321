// The view's own pages. Links carry the chosen policy, so it stays chosen from page to page, and a host page the
// instant it shows the past of, if any.

export const pages = {
  fleet: policy => `/?policy=${encodeURIComponent(policy)}`,
  host: (host, policy, at = null) => `/hosts/${encodeURIComponent(host)}?policy=${encodeURIComponent(policy)}`
    + (at === null ? '' : `&at=${encodeURIComponent(at)}`),
  cgroups: (host, policy) => `/hosts/${encodeURIComponent(host)}/cgroups?policy=${encodeURIComponent(policy)}`,
  process: (host, pid, policy) =>
    `/hosts/${encodeURIComponent(host)}/processes/${pid}?policy=${encodeURIComponent(policy)}`,
  oomKills: (host, policy) => (host === null ? '/oom-kills' : `/hosts/${encodeURIComponent(host)}/oom-kills`)
    + `?policy=${encodeURIComponent(policy)}`,
};

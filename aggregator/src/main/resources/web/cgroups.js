// A host's cgroups as a tree: every slice, unit, pod and container with what the chosen policy charges it
// (a buffer several of its processes hold counted once under holder), what stopping it would free, and,
// where it has a memory.max, its memory use beside the limit and the victim the memcg OOM killer picks inside.
import { api, getJson } from './api.js';
import { el, show } from './dom.js';
import { formatBytes } from './format.js';
import { pages } from './links.js';
import { LiveTable } from './table.js';

/** What the path names, shortest first: the pod, the container, the systemd unit. */
function named(names) {
  const parts = [];
  if (names.podUid) {
    parts.push(`pod ${names.podUid} (${names.qosClass})`);
  }
  if (names.containerId) {
    parts.push(`${names.runtime} ${names.containerId.slice(0, 12)}`);
  } else if (names.unit) {
    parts.push(names.unit);
  }
  return parts.join(' · ');
}

/** A name with a container's 64 hex digits shows the first 12, as container runtimes' own tools do. */
function shortened(name) {
  return name.replace(/[0-9a-f]{64}/, id => `${id.slice(0, 12)}…`);
}

export function cgroupsPage(hostName) {
  let policy;
  const caption = el('p', { class: 'note' });
  const table = new LiveTable('cgroups', [
    { key: 'path', label: 'cgroup', value: row => row.path,
      content: row => el('span', { class: 'tree', style: `padding-left: ${row.depth * 1.2}em`, title: row.path },
        row.depth === 0 ? '/' : shortened(row.name)) },
    { key: 'names', label: 'unit, container, pod', value: row => named(row.names) },
    { key: 'processes', label: 'processes', value: row => row.processes },
    { key: 'charged', label: 'charged', value: row => row.charged[policy], bytes: true },
    { key: 'freeableBytes', label: 'GPU freed by stopping it', value: row => row.freeableBytes, bytes: true },
    { key: 'freedByKillBytes', label: 'stopping it frees', value: row => row.freedByKillBytes, bytes: true },
    { key: 'unaccounted', label: 'unaccounted', value: row => row.unaccounted[policy], bytes: true },
    { key: 'memoryCurrentBytes', label: 'memory.current', value: row => row.usage?.memoryCurrentBytes ?? 0, bytes: true },
    { key: 'memoryMaxBytes', label: 'memory.max', value: row => row.usage?.memoryMaxBytes ?? 0,
      content: row => (row.usage?.memoryMaxBytes == null ? 'max' : formatBytes(row.usage.memoryMaxBytes)), bytes: true },
    { key: 'dmemCurrentBytes', label: 'dmem.current', value: row => row.usage?.dmemCurrentBytes ?? 0, bytes: true },
    { key: 'memcgVictim', label: 'memcg OOM victim', value: row => memcgVictim(row, policy)?.pid ?? 0,
      content: row => memcgContent(row, policy) },
  ], row => row.path);
  const empty = el('p', { class: 'note' });

  return {
    title: `${hostName} · cgroups`,
    crumbs: chosen => [{ label: hostName, href: pages.host(hostName, chosen) },
      { label: 'cgroups', href: pages.cgroups(hostName, chosen) }],
    mount(main) {
      show(main, el('h1', {}, `Cgroups of ${hostName}`), caption, table.element, empty);
    },
    async load() {
      return getJson(api.cgroups(hostName));
    },
    render(tree, chosen) {
      policy = chosen;
      caption.textContent = `Charged: the GPU bytes the ${policy} policy charges to the processes in and beneath each `
        + 'cgroup, a buffer several of them hold counted once under holder. Stopping a cgroup frees the buffers no '
        + 'process outside it holds. memory.current does not count GPU memory. Click a column to sort.';
      table.element.dataset.policy = policy;
      table.update(tree.cgroups);
      empty.textContent = tree.cgroups.length <= 1 ? 'The host reports no cgroups: every process is in the root.' : '';
    },
  };
}

function memcgVictim(row, policy) {
  return row.memcgOom ? row.memcgOom[policy].victim : null;
}

function memcgContent(row, policy) {
  if (!row.memcgOom) {
    return '–';
  }
  const victim = memcgVictim(row, policy);
  if (victim === null) {
    return 'none';
  }
  const mismatch = row.memcgOom[policy].mismatch ? ' (frees less than the best)' : '';
  return `${victim.pid} ${victim.comm}${mismatch}`;
}

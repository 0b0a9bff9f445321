// The fleet: every host with its GEM bytes and what the chosen policy charges to no one.
import { api, getJson } from './api.js';
import { el, show } from './dom.js';
import { pages } from './links.js';
import { LiveTable } from './table.js';

export function fleetPage() {
  let policy;
  const table = new LiveTable('hosts', [
    { key: 'host', label: 'host', value: host => host.host, link: host => pages.host(host.host, policy) },
    { key: 'synchronised', label: 'in sync', value: host => host.synchronised, content: host => (host.synchronised ? 'yes' : 'no') },
    { key: 'sequenceGaps', label: 'seq gaps', value: host => host.sequenceGaps },
    { key: 'gemObjects', label: 'GEM objects', value: host => host.gemObjects },
    { key: 'gemBytes', label: 'GEM bytes', value: host => host.gemBytes, bytes: true },
    { key: 'residentBytes', label: 'resident', value: host => host.residentBytes, bytes: true },
    { key: 'unaccounted', label: 'unaccounted', value: host => host.unaccounted[policy], bytes: true },
    { key: 'orphanedBytes', label: 'orphaned', value: host => host.orphanedBytes, bytes: true },
  ], host => host.host);
  const caption = el('p', { class: 'note' });
  const empty = el('p', { class: 'note' });
  const oomKills = el('a', { id: 'fleet-oom-kills' }, 'OOM kills of the fleet, newest first');

  return {
    title: 'fleet',
    crumbs: () => [],
    mount(main) {
      show(main, el('h1', {}, 'Fleet'), caption, table.element, empty, el('p', {}, oomKills));
    },
    async load() {
      const hosts = await getJson(api.hosts());
      return { hosts };
    },
    render({ hosts }, chosen) {
      policy = chosen;
      caption.textContent = `Unaccounted: resident GEM bytes the ${policy} policy charges to no process. `
        + 'Click a column to sort.';
      table.element.dataset.policy = policy;
      table.update(hosts);
      oomKills.href = pages.oomKills(null, policy);
      empty.textContent = hosts.length === 0 ? 'No hosts yet: the aggregator has not applied any event.' : '';
    },
  };
}

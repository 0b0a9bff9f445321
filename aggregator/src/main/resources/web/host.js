// One host: its totals, a chart of the last minutes, the OOM victim of every policy side by side, its
// processes ranked by what the chosen policy charges, and which processes share which buffers. Live, or as of
// an instant: then every route is asked with at=, and the chart, kept by the live aggregator only, is left out.
import { api, asOf, getJson } from './api.js';
import { asOfPicker } from './asof.js';
import { HistoryChart } from './chart.js';
import { el, show } from './dom.js';
import { bytesFact, fact } from './facts.js';
import { formatBytes } from './format.js';
import { MAX_BUFFERS, SharingGraph } from './graph.js';
import { pages } from './links.js';
import { LiveTable } from './table.js';

/** {@code at}: the instant to show, RFC 3339; null: live. */
export function hostPage(hostName, at) {
  let policy;
  const past = el('p', { id: 'as-of-banner', class: 'past', hidden: at === null });
  const summary = el('dl', { id: 'host-summary', class: 'facts' });
  const chart = new HistoryChart();
  const oom = el('div', { id: 'oom-comparison' });
  const pastKills = el('a', { id: 'past-oom-kills' }, 'Past OOM kills of this host, with their post-mortems');
  const processesTitle = el('h2');
  const processesShown = el('p', { class: 'note' });
  const processes = new LiveTable('processes', [
    { key: 'pid', label: 'pid', value: row => row.pid, link: row => pages.process(hostName, row.pid, policy) },
    { key: 'comm', label: 'command', value: row => row.comm },
    { key: 'chargedBytes', label: 'charged', value: row => row.chargedBytes, bytes: true },
    { key: 'freedByKillBytes', label: 'a kill frees', value: row => row.freedByKillBytes, bytes: true },
    { key: 'counterMismatch', label: 'counters vs rfc', value: row => row.counterMismatch,
      content: row => (row.counterMismatch ? 'mismatch' : 'ok') },
  ], row => String(row.pid));
  const graph = new SharingGraph();
  const cgroupsLink = el('p', {}, el('a', { id: 'cgroups-link' }, 'Cgroups: units, containers and pods'));

  return {
    title: at === null ? hostName : `${hostName} as of ${at}`,
    asOf: at,
    crumbs: chosen => [{ label: hostName, href: pages.host(hostName, chosen, at) }],
    mount(main) {
      show(main,
        el('h1', {}, at === null ? `Host ${hostName}` : `Host ${hostName} as of ${at}`), asOfPicker(at), past, summary,
        cgroupsLink,
        at === null ? el('section', {}, el('h2', {}, 'GEM memory, last minutes'),
          el('p', { class: 'note' }, 'Sampled by the aggregator; unaccounted under the chosen policy.'), chart.element)
          : null,
        el('section', {}, el('h2', {}, 'OOM victim under each policy'), oom, el('p', {}, pastKills)),
        el('section', {}, processesTitle,
          el('p', { class: 'note' }, 'Most charged first. Click a column to sort, a pid for its buffers.'),
          processesShown, processes.element),
        el('section', {}, el('h2', {}, 'Buffer sharing'),
          el('p', { class: 'note' }, 'Dashed: created it. Solid: holds it (a handle, a dma-buf fd or a mapping). '
            + 'A buffer lives while anyone holds it.'),
          graph.element));
    },
    async load(chosen) {
      const get = path => getJson(asOf(path, at));
      const [host, list, comparison, buffers, history] = await Promise.all([
        get(api.host(hostName)), get(api.processes(hostName, chosen)), at === null ? get(api.oom(hostName)) : null,
        get(api.largestBuffers(hostName, MAX_BUFFERS)), at === null ? getJson(api.history(hostName)) : null]);
      // As of an instant the host's own route answers its figures with what could be told of them, and every
      // policy's victim, which the oom route would rank again.
      return at === null ? { host, list, comparison, buffers, history } : {
        host: host.state, asOfHost: host, list, comparison: host.oom, buffers, history,
      };
    },
    render({ host, asOfHost, list, comparison, buffers, history }, chosen) {
      policy = chosen;
      cgroupsLink.firstChild.setAttribute('href', pages.cgroups(hostName, policy));
      if (asOfHost) {
        past.dataset.olderThanRetained = String(asOfHost.olderThanRetained);
        past.textContent = `The past: ${hostName} as of ${asOfHost.at}, folded from the events topic, not live; `
          + `${asOfHost.note}. Links lead to the live pages.`;
      } else {
        chart.update(history, policy);
      }
      showSummary(summary, host, policy);
      showOomComparison(oom, comparison, policy, hostName);
      pastKills.href = pages.oomKills(hostName, policy);
      processesTitle.textContent = `Processes under ${list.policy}`;
      processes.element.dataset.policy = list.policy;
      processes.update(list.processes);
      processesShown.textContent = list.total > list.processes.length
        ? `The ${list.processes.length} most charged of ${list.total} processes.` : '';
      graph.update(hostName, buffers, new Map(list.processes.map(row => [row.pid, row.comm])), policy);
    },
  };
}

function showSummary(container, host, policy) {
  show(container,
    fact('boot', 'bootId', host.bootId),
    fact('in sync', 'synchronised', host.synchronised, host.synchronised ? 'yes' : `no (${host.sequenceGaps} events missed)`),
    fact('GEM objects', 'gemObjects', host.gemObjects),
    bytesFact('GEM bytes', 'gemBytes', host.gemBytes),
    bytesFact('resident', 'residentBytes', host.residentBytes),
    bytesFact(`unaccounted (${policy})`, 'unaccounted', host.unaccounted[policy]),
    bytesFact('orphaned', 'orphanedBytes', host.orphanedBytes));
}

/** One column per policy: whom it would kill, and whether that frees less than the best choice. */
function showOomComparison(container, comparison, policy, hostName) {
  const policies = Object.keys(comparison.policies);
  const victimOf = name => comparison.policies[name].victim;
  const cell = (name, field, value, content) => el('td', {
    class: name === policy ? 'chosen' : null, dataset: { policy: name, field, value: String(value) },
  }, content);
  const row = (label, field, value, content) => el('tr', {}, el('th', { scope: 'row' }, label),
    policies.map(name => (victimOf(name) === null ? cell(name, field, '', '–')
      : cell(name, field, value(name), content(name)))));
  const best = comparison.bestVictim;
  show(container,
    el('table', { id: 'oom' },
      el('thead', {}, el('tr', {}, el('th'), policies.map(name =>
        el('th', { scope: 'col', class: name === policy ? 'chosen' : null }, name)))),
      el('tbody', {},
        row('victim', 'victim', name => victimOf(name).pid, name =>
          el('a', { href: pages.process(hostName, victimOf(name).pid, policy) },
            `${victimOf(name).pid} ${victimOf(name).comm}`)),
        row('points', 'points', name => victimOf(name).points, name => victimOf(name).points.toLocaleString('en')),
        row('charged GEM', 'chargedBytes', name => victimOf(name).chargedBytes, name => formatBytes(victimOf(name).chargedBytes)),
        row('kill frees', 'freedBytes', name => victimOf(name).freedBytes, name => formatBytes(victimOf(name).freedBytes)),
        row('best choice?', 'mismatch', name => comparison.policies[name].mismatch,
          name => (comparison.policies[name].mismatch ? 'no: frees less than the best' : 'yes')))),
    el('p', { id: 'best-victim', class: 'note', dataset: { value: best ? String(best.pid) : '' } },
      best ? `The kill that frees the most: ${best.pid} ${best.comm}, ${formatBytes(best.freedBytes)}.`
        : 'No process may be killed.'));
}

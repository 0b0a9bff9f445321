// One process: its memory counters, what each policy charges it, every buffer it created or holds, and
// what killing it would free — and which buffers would stay alive in other holders.
import { api, getJson } from './api.js';
import { el, show } from './dom.js';
import { bytesFact, fact } from './facts.js';
import { exactBytes, formatBytes } from './format.js';
import { pages } from './links.js';
import { LiveTable } from './table.js';

export function processPage(hostName, pid) {
  let policy;
  const processLink = (holderPid, text) => el('a', { href: pages.process(hostName, holderPid, policy) }, text);
  const heading = el('h1', {}, `Process ${pid}`);
  const facts = el('dl', { id: 'process-facts', class: 'facts' });
  const charges = el('div', { id: 'charges' });
  const buffers = new LiveTable('buffers', [
    { key: 'object', label: 'buffer', value: buffer => buffer.object },
    { key: 'region', label: 'region', value: buffer => `${buffer.minor}:${buffer.region}` },
    { key: 'sizeBytes', label: 'size', value: buffer => buffer.sizeBytes, bytes: true },
    { key: 'residentBytes', label: 'resident', value: buffer => buffer.residentBytes, bytes: true },
    { key: 'creatorPid', label: 'created by', value: buffer => buffer.creatorPid,
      content: buffer => (buffer.creatorMmAlive ? processLink(buffer.creatorPid, String(buffer.creatorPid))
        : `${buffer.creatorPid} (mm gone)`) },
    { key: 'holders', label: 'held by', value: buffer => buffer.holders.map(holder => holder.pid).join(' '),
      content: buffer => buffer.holders.flatMap((holder, i) => [i > 0 ? ', ' : '',
        processLink(holder.pid, `${holder.pid} ${holder.comm} ×${holder.references}`)]) },
    { key: 'chargedHere', label: 'charged here', value: buffer => chargedHere(buffer, pid, policy), bytes: true },
  ], buffer => String(buffer.object));
  const buffersShown = el('p', { class: 'note' });
  const whatIf = el('div', { id: 'what-if-killed' });
  const live = el('div', {});
  const exited = el('section', { id: 'exited', hidden: true });
  let exitSeen;

  return {
    title: `${hostName} pid ${pid}`,
    crumbs: chosen => [
      { label: hostName, href: pages.host(hostName, chosen) },
      { label: `pid ${pid}`, href: pages.process(hostName, pid, chosen) },
    ],
    mount(main) {
      show(live, facts,
        el('section', {}, el('h2', {}, 'Charged under each policy'), charges),
        el('section', {}, el('h2', {}, 'Buffers it created or holds'),
          el('p', { class: 'note' }, 'Charged here: what the chosen policy charges this process for the buffer.'),
          buffersShown, buffers.element),
        el('section', {}, el('h2', {}, 'What if killed'), whatIf));
      show(main, heading, exited, live);
    },
    async load() {
      // A pid is never used again within a boot: once exited, the page stays the exit's.
      if (exitSeen !== undefined) {
        return { exit: exitSeen };
      }
      try {
        const [process, killed] = await Promise.all([
          getJson(api.process(hostName, pid)), getJson(api.whatIfKilled(hostName, pid))]);
        return { process, killed };
      } catch (error) {
        // A process that has exited since the page was opened: say so, and what its exit freed.
        if (error.status === 404) {
          exitSeen = await getJson(api.exit(hostName, pid));
          return { exit: exitSeen };
        }
        throw error;
      }
    },
    render({ process, killed, exit }, chosen) {
      policy = chosen;
      live.hidden = exit !== undefined;
      exited.hidden = exit === undefined;
      if (exit !== undefined) {
        heading.textContent = `Process ${exit.pid} ${exit.comm} on ${hostName} (exited)`;
        showExit(exited, exit, hostName, policy);
        return;
      }
      heading.textContent = `Process ${process.pid} ${process.comm} on ${hostName}`;
      showFacts(facts, process);
      showCharges(charges, process, policy);
      buffers.element.dataset.policy = policy;
      buffers.update(process.buffers);
      buffersShown.textContent = process.totalBuffers > process.buffers.length
        ? `The first ${process.buffers.length} of its ${process.totalBuffers} buffers, by id.` : '';
      showWhatIfKilled(whatIf, killed, processLink);
    },
  };
}

/** What the policy charges {@code pid} for one buffer: as a holder, plus as its creator. */
function chargedHere(buffer, pid, policy) {
  const asHolder = buffer.holders.find(holder => holder.pid === pid)?.charges[policy] ?? 0;
  const asCreator = buffer.creatorPid === pid && buffer.creatorCharges ? buffer.creatorCharges[policy] : 0;
  return asHolder + asCreator;
}

function showExit(container, exit, hostName, policy) {
  show(container,
    el('p', {}, 'It exited at ',
      el('strong', { id: 'exited-at', dataset: { value: String(exit.exitedAtEpochMillis) } },
        new Date(exit.exitedAtEpochMillis).toLocaleTimeString()),
      '. Its exit freed ',
      el('strong', { id: 'gem-freed', title: exactBytes(exit.gemFreedBytes), dataset: { value: String(exit.gemFreedBytes) } },
        formatBytes(exit.gemFreedBytes)),
      ' of GPU buffers, those only it held, and ',
      el('span', { id: 'freed-bytes', title: exactBytes(exit.freedBytes), dataset: { value: String(exit.freedBytes) } },
        formatBytes(exit.freedBytes)),
      ' in all, with its anonymous memory, swap and page tables; the buffers it shared live on in their other holders.'),
    el('p', {}, `Under ${policy} it was charged `,
      el('strong', { id: 'charged-at-exit', dataset: { value: String(exit.charges[policy]) } }, formatBytes(exit.charges[policy])),
      '.'),
    el('p', {}, el('a', { id: 'back-to-host', href: pages.host(hostName, policy) }, `Back to ${hostName}`),
      ' for the processes that run now.'));
}

function showFacts(container, process) {
  const counters = process.counters;
  show(container,
    fact('parent', 'parentPid', process.parentPid),
    fact('other threads', 'threads', process.threads.join(' '), process.threads.join(' ') || 'none'),
    fact('oom_score_adj', 'oomScoreAdj', process.oomScoreAdj),
    counters ? [
      bytesFact('file', 'fileBytes', counters.fileBytes),
      bytesFact('anon', 'anonBytes', counters.anonBytes),
      bytesFact('shmem', 'shmemBytes', counters.shmemBytes),
      bytesFact('swap', 'swapBytes', counters.swapBytes),
      bytesFact('page tables', 'pageTableBytes', counters.pageTableBytes),
      fact('driver pages', 'driverPages', counters.driverPages),
    ] : fact('counters', 'counters', 'none reported yet'),
    fact('counters vs rfc', 'counterMismatch', process.counterMismatch, process.counterMismatch ? 'mismatch' : 'ok'));
}

function showCharges(container, process, policy) {
  const policies = Object.keys(process.charges);
  show(container, el('table', { id: 'charges-table' },
    el('thead', {}, el('tr', {}, policies.map(name =>
      el('th', { scope: 'col', class: name === policy ? 'chosen num' : 'num' }, name)))),
    el('tbody', {}, el('tr', {}, policies.map(name => el('td', {
      class: name === policy ? 'chosen num' : 'num', title: exactBytes(process.charges[name]),
      dataset: { policy: name, value: String(process.charges[name]) },
    }, formatBytes(process.charges[name])))))));
}

function showWhatIfKilled(container, killed, processLink) {
  show(container,
    el('p', {}, `Killing ${killed.pid} ${killed.comm} frees `,
      el('strong', { id: 'freed-bytes', title: exactBytes(killed.freedBytes), dataset: { value: String(killed.freedBytes) } },
        formatBytes(killed.freedBytes)),
      ': its anonymous memory, swap and page tables, and the buffers only it holds.'),
    killed.freedObjects.length === 0 ? el('p', { class: 'note' }, 'No buffer dies with it.')
      : el('table', { id: 'freed-objects' },
        el('thead', {}, el('tr', {}, el('th', {}, 'buffer freed'), el('th', { class: 'num' }, 'resident'))),
        el('tbody', {}, killed.freedObjects.map(freed => el('tr', { dataset: { key: String(freed.object) } },
          el('td', {}, `#${freed.object}`),
          el('td', { class: 'num', dataset: { value: String(freed.residentBytes) } }, formatBytes(freed.residentBytes)))))),
    killed.stillHeld.length === 0 ? el('p', { class: 'note' }, 'No buffer it holds stays alive elsewhere.')
      : el('table', { id: 'still-held' },
        el('thead', {}, el('tr', {}, el('th', {}, 'buffer kept alive'), el('th', { class: 'num' }, 'resident'),
          el('th', {}, 'by'))),
        el('tbody', {}, killed.stillHeld.map(held => el('tr', { dataset: { key: String(held.object) } },
          el('td', {}, `#${held.object}`),
          el('td', { class: 'num', dataset: { value: String(held.residentBytes) } }, formatBytes(held.residentBytes)),
          el('td', { dataset: { value: held.holdersLeft.join(' ') } },
            held.holdersLeft.flatMap((holder, i) => [i > 0 ? ', ' : '', processLink(holder, String(holder))])))))));
}

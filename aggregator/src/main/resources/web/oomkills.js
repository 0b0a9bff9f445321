// The post-mortems of OOM kills, newest first: of one host, or of the fleet. Each says whom the kernel killed,
// in which cgroup, what that freed, which buffers stayed alive in whom, and whom every policy would have killed
// instead. Each links to its host as of the kill's instant: the host as the kernel found it, the victim still alive.
import { api, getJson } from './api.js';
import { el, show } from './dom.js';
import { bytesFact, fact } from './facts.js';
import { pages } from './links.js';
import { LiveTable } from './table.js';

/** {@code hostName} null: every host's kills. */
export function oomKillsPage(hostName) {
  let policy;
  const heading = el('h1', {}, hostName === null ? 'OOM kills of the fleet' : `OOM kills of ${hostName}`);
  const list = el('div', { id: 'oom-kills' });

  return {
    title: hostName === null ? 'OOM kills' : `${hostName} OOM kills`,
    crumbs: chosen => (hostName === null ? [{ label: 'OOM kills', href: pages.oomKills(null, chosen) }] : [
      { label: hostName, href: pages.host(hostName, chosen) },
      { label: 'OOM kills', href: pages.oomKills(hostName, chosen) },
    ]),
    mount(main) {
      show(main, heading, el('p', { class: 'note' },
        'Newest first, as the aggregator saw each kill when its OomKill arrived: the victim was still alive then.'), list);
    },
    load() {
      return getJson(hostName === null ? api.oomKills() : api.hostOomKills(hostName));
    },
    render(kills, chosen) {
      policy = chosen;
      show(list, kills.length === 0 ? el('p', { class: 'note' }, 'No OOM kill seen.')
        : kills.map(kill => postMortem(kill, policy)));
    },
  };
}

function postMortem(kill, policy) {
  const processLink = pid => el('a', { href: pages.process(kill.host, pid, policy) }, String(pid));
  const when = kill.epochMillis >= 0 ? new Date(kill.epochMillis).toISOString() : `ts ${kill.ts}`;
  const choices = new LiveTable(`choices-${kill.host}-${kill.seq}`, [
    { key: 'policy', label: 'policy', value: row => row.policy },
    { key: 'pid', label: 'would kill', value: row => row.victim?.pid ?? 0,
      content: row => (row.victim ? `${row.victim.pid} ${row.victim.comm}` : 'no one') },
    { key: 'cgroup', label: 'in cgroup', value: row => row.victim?.cgroup ?? '',
      content: row => (row.victim ? row.victim.cgroup ?? 'not recorded' : '') },
    { key: 'freedBytes', label: 'which frees', value: row => row.victim?.freedBytes ?? 0, bytes: true },
  ], row => row.policy);
  choices.update(kill.policies);
  const stillHeld = new LiveTable(`still-held-${kill.host}-${kill.seq}`, [
    { key: 'object', label: 'buffer', value: buffer => buffer.object },
    { key: 'residentBytes', label: 'resident', value: buffer => buffer.residentBytes, bytes: true },
    { key: 'holders', label: 'kept alive by', value: buffer => buffer.holders.join(' '),
      content: buffer => buffer.holders.flatMap((pid, i) => [i > 0 ? ', ' : '', processLink(pid)]) },
  ], buffer => String(buffer.object));
  stillHeld.update(kill.stillHeld);
  const best = kill.best;
  return el('section', { class: 'oom-kill', dataset: { host: kill.host, seq: String(kill.seq) } },
    el('h2', {}, `${when}: ${kill.host} killed ${kill.pid} ${kill.comm}`),
    el('dl', { class: 'facts' },
      fact('host', 'host', kill.host, el('a', { href: pages.host(kill.host, policy) }, kill.host)),
      kill.epochMillis >= 0 ? fact('just before the kill', 'asOfKill', kill.epochMillis,
        el('a', { class: 'as-of-kill', href: pages.host(kill.host, policy, new Date(kill.epochMillis).toISOString()) },
          'the host then')) : null,
      fact('cgroup', 'cgroup', kill.cgroup ?? '', kill.cgroup ?? 'not recorded'),
      fact('kernel points', 'kernelPoints', kill.kernelPoints),
      bytesFact('the kill frees', 'freedBytes', kill.freedBytes),
      bytesFact('left alive in others', 'bytesLeftAlive', kill.bytesLeftAlive),
      fact('best victim', 'best', best ? best.pid : 0, best ? `${best.pid} ${best.comm}` : 'none'),
      bytesFact('which would free', 'bestFreedBytes', best ? best.freedBytes : 0),
      fact('kernel chose the best', 'kernelChoiceBest', kill.kernelChoiceBest, kill.kernelChoiceBest ? 'yes' : 'no')),
    el('h3', {}, 'Whom each policy would have killed'), choices.element,
    el('h3', {}, 'Buffers the kill leaves alive'), kill.stillHeld.length === 0 ? el('p', { class: 'note' }, 'none')
      : stillHeld.element);
}

// Picks the page for the address, then refreshes it from the API every few seconds (live view).
import { api, getJson } from './api.js';
import { asOfFromUrl } from './asof.js';
import { cgroupsPage } from './cgroups.js';
import { el, show } from './dom.js';
import { fleetPage } from './fleet.js';
import { hostPage } from './host.js';
import { pages } from './links.js';
import { oomKillsPage } from './oomkills.js';
import { policyFromUrl, showPolicyPicker } from './policy.js';
import { processPage } from './process.js';

const REFRESH_MS = 2000;

const ROUTES = [
  [/^\/$/, () => fleetPage()],
  [/^\/hosts\/([^/]+)$/, ([, host]) => hostPage(decodeURIComponent(host), asOfFromUrl())],
  [/^\/hosts\/([^/]+)\/cgroups$/, ([, host]) => cgroupsPage(decodeURIComponent(host))],
  [/^\/oom-kills$/, () => oomKillsPage(null)],
  [/^\/hosts\/([^/]+)\/oom-kills$/, ([, host]) => oomKillsPage(decodeURIComponent(host))],
  [/^\/hosts\/([^/]+)\/processes\/(\d+)$/, ([, host, pid]) => processPage(decodeURIComponent(host), Number(pid))],
];

const main = document.getElementById('page');
const crumbs = document.getElementById('crumbs');
const status = document.getElementById('status');
const page = pageFor(location.pathname);
let policy;
// Refreshes can overlap (a policy click while one is under way); only the latest one started is drawn.
let latestRefresh = 0;
let refreshesDrawn = 0;

function pageFor(path) {
  for (const [pattern, make] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      return make(match);
    }
  }
  return null;
}

async function refresh() {
  const number = ++latestRefresh;
  const chosen = policy;
  try {
    const data = await page.load(chosen);
    if (number !== latestRefresh) {
      return;
    }
    show(crumbs, [{ label: 'fleet', href: pages.fleet(chosen) }, ...page.crumbs(chosen)]
      .map(crumb => el('a', { href: crumb.href }, crumb.label)));
    page.render(data, chosen);
    document.body.dataset.refreshes = String(++refreshesDrawn);
    showStatus('', page.asOf ? `as of ${page.asOf} · the past: not refreshed`
      : `live · updated ${new Date().toLocaleTimeString()}`);
  } catch (error) {
    // Shown, not thrown: a host that restarts or a pid that exits is news to the reader, not a page fault.
    if (number === latestRefresh) {
      showStatus('failed', `refresh failed: ${error.message}`);
    }
  }
}

function showStatus(className, text) {
  status.className = className;
  status.textContent = text;
}

/**
 * Refreshes while the page is visible; a tab left in the background costs the aggregator nothing. A page of the
 * past is drawn once (and again for another policy): the past does not change.
 */
async function refreshForever() {
  if (page.asOf) {
    await refresh();
    return;
  }
  if (!document.hidden) {
    await refresh();
  }
  setTimeout(refreshForever, REFRESH_MS);
}

/** Starts once the aggregator has named its policies; until it answers, says so and asks again. */
async function start() {
  let names;
  try {
    names = await getJson(api.policies());
  } catch (error) {
    showStatus('failed', `aggregator not answering: ${error.message}`);
    setTimeout(start, REFRESH_MS);
    return;
  }
  policy = policyFromUrl(names);
  showPolicyPicker(document.getElementById('policies'), names, policy, chosen => {
    policy = chosen;
    refresh();
  });
  document.title = `gemtrack · ${page.title}`;
  page.mount(main);
  refreshForever();
}

if (page === null) {
  show(main, el('h1', {}, 'No such page'), el('p', {}, el('a', { href: '/' }, 'the fleet')));
  showStatus('', '');
} else {
  start();
}

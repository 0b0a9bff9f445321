// Picks the page for the address, then refreshes it from the API every few seconds (live view).
import { el, show } from './dom.js';
import { fleetPage } from './fleet.js';
import { hostPage } from './host.js';
import { pages } from './links.js';
import { PolicyPicker, policyFromUrl } from './policy.js';
import { processPage } from './process.js';

const REFRESH_MS = 2000;

const ROUTES = [
  [/^\/$/, () => fleetPage()],
  [/^\/hosts\/([^/]+)$/, ([, host]) => hostPage(decodeURIComponent(host))],
  [/^\/hosts\/([^/]+)\/processes\/(\d+)$/, ([, host, pid]) => processPage(decodeURIComponent(host), Number(pid))],
];

const main = document.getElementById('page');
const crumbs = document.getElementById('crumbs');
const status = document.getElementById('status');
let policy = policyFromUrl();
// Refreshes can overlap (a policy click while one is under way); only the latest one started is drawn.
let latestRefresh = 0;
let refreshesDrawn = 0;

const page = pageFor(location.pathname);
const picker = new PolicyPicker(document.getElementById('policies'), chosen => {
  policy = chosen;
  refresh();
});

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
    picker.update(data.policies, chosen);
    show(crumbs, [{ label: 'fleet', href: pages.fleet(chosen) }, ...page.crumbs(chosen)]
      .map(crumb => el('a', { href: crumb.href }, crumb.label)));
    page.render(data, chosen);
    document.body.dataset.refreshes = String(++refreshesDrawn);
    status.className = '';
    status.textContent = `live · updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    // Shown, not thrown: a host that restarts or a pid that exits is news to the reader, not a page fault.
    if (number === latestRefresh) {
      status.className = 'failed';
      status.textContent = `refresh failed: ${error.message}`;
    }
  }
}

async function refreshForever() {
  await refresh();
  setTimeout(refreshForever, REFRESH_MS);
}

if (page === null) {
  show(main, el('h1', {}, 'No such page'), el('p', {}, el('a', { href: '/' }, 'the fleet')));
  status.textContent = '';
} else {
  document.title = `gemtrack · ${page.title}`;
  page.mount(main);
  refreshForever();
}

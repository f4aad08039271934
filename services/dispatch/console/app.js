// The console page: signs in from the URL fragment (kept in memory, then wiped from the address
// bar), follows the centre's feed and renders the board, the map and the connection state.
import { Board } from './board.js';
import { Details } from './details.js';
import { Feed } from './feed.js';
import { WORDS } from './i18n.js';
import { drawMap } from './map.js';
import { countdown, drawRows } from './rows.js';

const token = new URLSearchParams(location.hash.slice(1)).get('token');
history.replaceState(null, '', location.pathname);

let lang = 'zh';
let selected = null;
const replies = new Map();
const board = new Board();
const $ = (id) => document.getElementById(id);

function render() {
  const words = WORDS[lang];
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = words.title;
  $('title').textContent = words.title;
  $('lang').textContent = words.language;
  $('centre').textContent = centreId ? `${words.center} ${centreId}` : '';
  $('drill-banner').hidden = !board.anyDrill;
  $('drill-banner').textContent = words.drillBanner;
  const connection = $('connection');
  connection.dataset.state = feed ? feed.state : 'expired';
  connection.textContent = !feed ? words.noToken : feed.state === 'resumed' ? words.resumed(feed.resumedFrom) : (words[feed.state] ?? words.refused);
  details?.follow(board);
  drawRows($('tasks'), board, {
    words,
    now: Date.now(),
    selected,
    replies,
    select,
    act,
    releases: details?.releases ?? new Map(),
    hubNames: new Map((details?.hubs ?? []).filter((h) => h.nameZh).map((h) => [h.id, h.nameZh])),
  });
  drawMap($('map'), mapView(), selected, words, lang === 'en');
}

/** The map shows the selected task's case, or the newest case on the board. */
function mapView() {
  const tasks = [...board.tasks.values()];
  const caseId = board.tasks.get(selected)?.caseId ?? board.groups()[0]?.[0];
  return { tasks, hubs: details?.hubs ?? [], release: details?.releases.get(caseId) ?? null };
}

function select(taskId) {
  if (selected === taskId) return;
  selected = taskId;
  drawMap($('map'), mapView(), selected, WORDS[lang], lang === 'en');
  for (const row of document.querySelectorAll('.task')) row.classList.toggle('selected', row.dataset.taskId === taskId);
}

function act(message) {
  if (!feed.send(message)) {
    replies.set(message.taskId, { ok: false, text: WORDS[lang].reconnecting });
    return render();
  }
}

function reply(message) {
  const words = WORDS[lang];
  if (!message.taskId) return;
  if (message.type === 'ack-result') replies.set(message.taskId, { ok: true, text: words.acked.replace('{p}', message.position) });
  else if (message.type === 'complete-result') replies.set(message.taskId, { ok: true, text: words.completed.replace('{p}', message.position) });
  else if (message.type === 'error')
    replies.set(message.taskId, { ok: false, text: `${words.errors[message.code] ?? message.code}: ${message.message}` });
  render();
}

function claims(t) {
  try {
    return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

const centreId = token ? claims(token).commandCenterId : undefined;
const details = token ? new Details(token, render) : null;
const feed = token ? new Feed(token, board, render) : null;
$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  render();
});
// Live countdowns, and the expiry notice the moment the token runs out.
setInterval(() => {
  const words = WORDS[lang];
  for (const node of document.querySelectorAll('.task')) {
    const task = board.tasks.get(node.dataset.taskId);
    if (task) node.querySelector('.countdown').textContent = countdown(task.deadlineAt, Date.now(), words);
  }
  if (feed && feed.expired && feed.state !== 'expired') {
    feed.state = 'expired';
    render();
  }
}, 1000);
if (feed) {
  feed.onReply = reply;
  if (centreId) void details.loadHubs(centreId);
  window.rsConsole = { drop: () => feed.drop(), send: (m) => feed.send(m), board, details, history: feed.history };
  feed.connect();
}
render();

// One row per open task, keyed by task id; grouped by alert (case), newest first, each group
// headed by its alert's public release.
import { releaseCard } from './details.js';

function text(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.textContent = content;
  return node;
}

export function countdown(deadlineAt, now, words) {
  if (!deadlineAt) return '';
  const left = Math.round((Date.parse(deadlineAt) - now) / 1000);
  const abs = Math.abs(left);
  const mmss = `${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
  return left >= 0 ? `${words.due} ${mmss}` : `${words.overdue} ${mmss}`;
}

function place(task, words, hubNames) {
  const d = task.details ?? {};
  if (d.hub) return `${(words.locale === 'zh-CN' && hubNames.get(d.hub.id)) || d.hub.name} · ${d.distanceKm} ${words.km} ${words.fromLastSeen}`;
  if (d.area) return `${d.area.lat.toFixed(3)}, ${d.area.lon.toFixed(3)} · ${d.area.radiusKm} ${words.km}`;
  if (task.tip) return `${words.tip}: ${task.tip.description}${task.tip.address ? ` · ${task.tip.address}` : ''}`;
  return '';
}

export function drawRows(list, board, ui) {
  const { words, now, selected, replies } = ui;
  // A re-render must not wipe what an officer is typing into a completion form.
  const typed = new Map([...list.querySelectorAll('input')].map((i) => [i.id, i.value]));
  const focused = document.activeElement?.id;
  list.replaceChildren();
  const groups = board.groups();
  if (groups.length === 0) list.append(text('p', 'empty', words.noTasks));
  for (const [caseId, tasks] of groups) {
    const section = document.createElement('section');
    section.className = 'case';
    section.append(text('h2', '', `${words.alert} ${caseId}${tasks.some((t) => t.exercise) ? ` · ${words.drill}` : ''}`));
    const release = ui.releases.get(caseId);
    if (release) section.append(releaseCard(release, words));
    for (const task of tasks) section.append(row(task, { words, now, selected, reply: replies.get(task.taskId), ui }));
    list.append(section);
  }
  for (const input of list.querySelectorAll('input')) input.value = typed.get(input.id) ?? '';
  if (focused) document.getElementById(focused)?.focus();
}

function row(task, { words, now, selected, reply, ui }) {
  const item = document.createElement('article');
  item.className = `task ${task.status}${task.taskId === selected ? ' selected' : ''}${task.exercise ? ' drill' : ''}`;
  item.dataset.taskId = task.taskId;
  item.tabIndex = 0;
  item.setAttribute('aria-label', `${words.kinds[task.kind] ?? task.kind} ${place(task, words, ui.hubNames)}`);
  item.addEventListener('focus', () => ui.select(task.taskId));
  item.addEventListener('mouseenter', () => ui.select(task.taskId));
  const head = document.createElement('div');
  head.className = 'head';
  if (task.exercise) head.append(text('span', 'badge drill-badge', words.drill));
  head.append(text('span', 'kind', words.kinds[task.kind] ?? task.kind));
  head.append(text('span', 'status', words.status[task.status] ?? task.status));
  if (task.escalated) head.append(text('span', 'badge escalated', words.escalated));
  head.append(text('span', 'countdown', countdown(task.deadlineAt, now, words)));
  item.append(head);
  item.append(text('div', 'place', place(task, words, ui.hubNames)));
  if (typeof task.linkedTips === 'number') item.append(text('div', 'tips', `${words.linkedTips}: ${task.linkedTips}`));
  const actions = document.createElement('div');
  actions.className = 'actions';
  if (task.status === 'assigned') {
    const ack = text('button', 'ack', words.ack);
    ack.type = 'button';
    ack.addEventListener('click', () => ui.act({ type: 'ack', taskId: task.taskId }));
    actions.append(ack);
  }
  const form = document.createElement('form');
  form.className = 'complete';
  const outcome = labelled(form, words.outcome, 'input', `outcome-${task.taskId}`);
  outcome.required = true;
  const notes = labelled(form, words.notes, 'input', `notes-${task.taskId}`);
  const submit = text('button', '', words.complete);
  submit.type = 'submit';
  form.append(submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ui.act({ type: 'complete', taskId: task.taskId, outcome: outcome.value, ...(notes.value ? { notes: notes.value } : {}) });
  });
  actions.append(form);
  item.append(actions);
  if (reply) item.append(text('div', `reply ${reply.ok ? 'ok' : 'error'}`, reply.text));
  return item;
}

function labelled(form, label, tag, id) {
  const l = text('label', '', label);
  l.htmlFor = id;
  const input = document.createElement(tag);
  input.id = id;
  form.append(l, input);
  return input;
}

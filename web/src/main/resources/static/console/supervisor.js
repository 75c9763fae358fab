// The supervisor console: a wallboard kept current by the live streams (no polling), drill-down to an agent or a
// task, and the recording audit (search, play with seeking, QA scorecards; legal hold and export for auditors).
import {
  $, api, ApiError, applyI18n, clearProblem, el, fieldError, fmtDateTime, fmtDuration, fmtTime, fmtTimeLeft, hasRole,
  initChrome, label, loadMe, onLanguageChange, showLiveStatus, showProblem, startTicker, t, toast,
} from './common.js';
import { LiveClient } from './live.js';

const AGENT_STATES = ['AVAILABLE', 'ON_CALL', 'WRAP_UP', 'PAUSED', 'OFFLINE'];
const TASK_TYPES = ['NEW_ACCOUNT', 'APPLICATION_RECEIVED', 'MARGIN_CALL_FOLLOWUP', 'FORCED_LIQUIDATION_ACK',
  'COMPLAINT_FOLLOWUP', 'ROUTINE_MONTHLY', 'ABNORMAL_TRADE', 'QUALITY_SAMPLE'];
const DISPOSITIONS = ['REACHED_CONFIRMED', 'REACHED_REFUSED', 'WRONG_PERSON', 'CALL_BACK_LATER', 'NO_ANSWER', 'BUSY',
  'CALL_DROPPED', 'INVALID_NUMBER', 'DO_NOT_CALL'];
const CLOSED = ['DONE', 'FAILED', 'CANCELLED'];
const PAGE_SIZE = 20;

const state = {
  me: null,
  agents: new Map(),
  queues: new Map(),
  calls: new Map(),
  notices: new Map(),
  tasks: new Map(),
  exports: new Map(),    // my exports' latest state from /user/queue/exports
  exportShown: null,     // the export on screen
  wallboard: null,
  drawer: null,          // {kind: 'agent'|'task', id, data}
  criteria: null,
  search: { page: 0, total: 0, rows: [] },
  selected: null,        // the recording shown in the player
  scorecard: null,
};

// ------------------------------------------------------------------ start

async function main() {
  let me;
  try {
    me = await loadMe();
  } catch (e) {
    document.body.append(el('p', { class: 'forbidden' }, e.message));
    return;
  }
  state.me = me;
  initChrome(me);
  if (!hasRole(me, 'SUPERVISOR', 'AUDITOR', 'ADMIN')) {
    $('forbidden').hidden = false;
    return;
  }
  buildStaticOptions();
  wire();
  onLanguageChange(renderAll);
  showTab(location.hash === '#recordings' ? 'recordings' : 'wallboard');
  startTicker();
  renderAll();
  new LiveClient({
    streams: ['agents', 'queues', 'calls', 'notices', 'tasks', 'wallboard']
      .map((name) => ({ name, destination: `/topic/${name}` }))
      .concat([{ name: 'myexports', destination: '/user/queue/exports' }]),
    onSnapshot: snapshot,
    onMessage: message,
    onStatus: showLiveStatus,
  }).start();
}

function buildStaticOptions() {
  const type = $('f-type');
  type.append(el('option', { value: '', dataset: { i18n: 'common.any' } }, t('common.any')));
  for (const v of [...TASK_TYPES, 'IVR']) type.append(el('option', { value: v, dataset: { i18n: `taskType.${v}` } }, label('taskType', v)));
  const disposition = $('f-disposition');
  disposition.append(el('option', { value: '', dataset: { i18n: 'common.any' } }, t('common.any')));
  for (const v of DISPOSITIONS) disposition.append(el('option', { value: v, dataset: { i18n: `disposition.${v}` } }, label('disposition', v)));
}

function wire() {
  $('tab-wallboard').addEventListener('click', () => showTab('wallboard'));
  $('tab-recordings').addEventListener('click', () => showTab('recordings'));
  $('drawer-close').addEventListener('click', closeDrawer);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDrawer(); });
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); search(0); });
  $('page-prev').addEventListener('click', () => search(state.search.page - 1));
  $('page-next').addEventListener('click', () => search(state.search.page + 1));
  $('scorecard-form').addEventListener('submit', saveScorecard);
  $('scorecard-form').addEventListener('input', updateTotal);
  $('hold-form').addEventListener('submit', toggleHold);
  $('export-client').addEventListener('click', () => requestExport('client'));
  $('export-task').addEventListener('click', () => requestExport('task'));
}

let searchedOnce = false;

function showTab(tab) {
  const wall = tab === 'wallboard';
  $('wallboard').hidden = !wall;
  $('recordings').hidden = wall;
  $('tab-wallboard').setAttribute('aria-selected', String(wall));
  $('tab-recordings').setAttribute('aria-selected', String(!wall));
  history.replaceState(null, '', wall ? '#wallboard' : '#recordings');
  if (wall) $('player').pause();
  else if (!searchedOnce) { searchedOnce = true; search(0); }
}

// ------------------------------------------------------------------ live

/** The message type that carries each stream's entity; others on the stream (notes, scorecards) are not entities. */
const entityType = {
  agents: 'AGENT_STATE', queues: 'QUEUE_DEPTH', calls: 'CALL_STATE', notices: 'NOTICE_STATE', tasks: 'TASK_STATE',
};

const key = {
  agents: (d) => d.agentId,
  queues: (d) => d.type,
  calls: (d) => d.callId,
  notices: (d) => d.noticeId,
  tasks: (d) => d.taskId,
};

function snapshot(name, items) {
  if (name === 'myexports') {
    for (const x of items) state.exports.set(String(x.id), x);
    if (state.exportShown && state.exports.has(String(state.exportShown))) showExport(state.exports.get(String(state.exportShown)));
    return;
  }
  if (name === 'wallboard') {
    state.wallboard = items[0] || null;
  } else if (key[name]) {
    state[name] = new Map(items.map((d) => [String(key[name](d)), d]));
  }
  scheduleRender();
}

function message(name, m) {
  if (name === 'myexports') {
    if (m.type !== 'EXPORT_STATE' || !m.data) return;
    state.exports.set(String(m.data.id), m.data);
    if (String(m.data.id) === String(state.exportShown)) showExport(m.data);
    return;
  }
  if (m.type === 'WALLBOARD') {
    state.wallboard = m.data;
  } else if (key[name] && m.data && m.type === entityType[name]) {
    const id = String(key[name](m.data) || m.id);
    if (name === 'tasks' && CLOSED.includes(m.data.state)) state.tasks.delete(id);
    else state[name].set(id, m.data);
  }
  if (state.drawer && ((name === 'agents' && state.drawer.kind === 'agent' && String(m.data && m.data.agentId) === state.drawer.id)
      || (name === 'tasks' && state.drawer.kind === 'task' && String(m.data && m.data.taskId) === state.drawer.id))) {
    refreshDrawerSoon();
  }
  scheduleRender();
}

let frame = 0;

function scheduleRender() {
  if (frame) return;
  frame = requestAnimationFrame(() => { frame = 0; renderWallboard(); });
}

// ------------------------------------------------------------------ wallboard

function renderAll() {
  applyI18n();
  renderWallboard();
  renderSearch();
  renderRecording();
  if (state.drawer) renderDrawer();
}

function setFigure(id, value) {
  const e = $(id);
  e.textContent = value === undefined || value === null ? '–' : value;
}

function renderWallboard() {
  const w = state.wallboard || {};
  const n = w.noticesToday || {};
  for (const k of ['sent', 'delivered', 'acknowledged', 'overdue', 'failed']) setFigure(`k-notices-${k}`, n[k]);
  const tasks = w.tasks || {};
  for (const k of ['queued', 'inProgress', 'overdue']) setFigure(`k-tasks-${k}`, tasks[k]);
  setFigure('k-calls', w.callsInProgress);
  const byState = w.agents || {};
  $('k-agents').replaceChildren(...AGENT_STATES.map((s) => el('div', { class: 'kpi', 'data-testid': `kpi-agents-${s}` },
    el('div', { class: 'v' }, byState[s] ?? '–'), el('div', { class: 'k' }, el('span', { class: `badge ${s}` }, label('agentState', s))))));

  const agents = [...state.agents.values()].sort((a, b) =>
    AGENT_STATES.indexOf(a.state) - AGENT_STATES.indexOf(b.state) || String(a.agentId).localeCompare(String(b.agentId)));
  $('agent-rows').replaceChildren(...agents.map((a) => el('tr', {
    class: 'clickable', tabindex: '0', 'data-testid': 'agent-row', dataset: { agentId: a.agentId, state: a.state },
    onclick: () => openAgent(a.agentId), onkeydown: (e) => { if (e.key === 'Enter') openAgent(a.agentId); },
  },
  el('td', {}, a.displayName || a.agentId, a.displayName ? el('span', { class: 'muted mono' }, ` ${a.agentId}`) : null),
  el('td', {}, el('span', { class: `badge ${a.state}`, 'data-testid': 'agent-row-state' }, label('agentState', a.state))),
  el('td', {}, a.reason ? label('pauseReason', a.reason) : ''),
  el('td', { class: 'mono' }, el('span', { dataset: { since: a.since || '' } }, a.since ? fmtDuration((Date.now() - new Date(a.since)) / 1000) : '')),
  el('td', {}, a.taskId ? taskLink(a.taskId) : ''))));
  $('agents-empty').hidden = agents.length > 0;

  const queues = [...state.queues.values()].sort((a, b) => TASK_TYPES.indexOf(a.type) - TASK_TYPES.indexOf(b.type));
  $('queue-rows').replaceChildren(...queues.map((q) => el('tr', { 'data-testid': 'queue-depth-row', dataset: { type: q.type } },
    el('td', {}, label('taskType', q.type)), el('td', { class: 'num' }, q.queued ?? 0), el('td', { class: 'num' }, q.offered ?? 0),
    el('td', { class: 'num' }, q.inProgress ?? 0), el('td', { class: `num ${q.overdue ? 'overdue' : ''}` }, q.overdue ?? 0))));
  $('queues-empty').hidden = queues.length > 0;

  const calls = [...state.calls.values()].filter((c) => c.state !== 'ENDED')
    .sort((a, b) => String(a.startedAt).localeCompare(String(b.startedAt)));
  $('call-rows').replaceChildren(...calls.map((c) => el('tr', { 'data-testid': 'call-row', dataset: { callId: c.callId, state: c.state } },
    el('td', {}, c.agentId ? agentName(c.agentId) : label('callKind', c.kind)),
    el('td', {}, c.clientId || ''),
    el('td', {}, c.taskId ? taskLink(c.taskId) : label('callKind', c.kind)),
    el('td', {}, el('span', { class: `badge ${c.state}` }, label('callState', c.state))),
    el('td', { class: 'mono' }, el('span', { dataset: { since: c.answeredAt || c.startedAt || '' } }, '')),
    el('td', {}, c.recording && (c.recording.recording || c.recording.state === 'PENDING')
      ? el('span', { class: 'rec' }, '●') : c.recording && c.recording.state ? label('recordingState', c.recording.state) : ''))));
  $('calls-empty').hidden = calls.length > 0;

  const now = Date.now();
  const overdue = [...state.tasks.values()]
    .filter((k) => !CLOSED.includes(k.state) && (k.overdue || (k.dueBy && new Date(k.dueBy).getTime() < now)))
    .sort((a, b) => String(a.dueBy).localeCompare(String(b.dueBy)));
  $('overdue-rows').replaceChildren(...overdue.slice(0, 200).map((k) => el('tr', {
    class: 'clickable', tabindex: '0', 'data-testid': 'overdue-row', dataset: { taskId: k.taskId },
    onclick: () => openTask(k.taskId), onkeydown: (e) => { if (e.key === 'Enter') openTask(k.taskId); },
  },
  el('td', {}, k.clientName || k.clientId, k.clientName ? el('span', { class: 'muted mono' }, ` ${k.clientId}`) : null),
  el('td', {}, label('taskType', k.type)),
  el('td', {}, el('span', { class: `badge ${k.state}` }, label('taskState', k.state))),
  el('td', {}, fmtDateTime(k.dueBy), ' ', el('span', { class: 'overdue', dataset: { due: k.dueBy || '' } }, fmtTimeLeft(k.dueBy))),
  el('td', {}, k.agentId ? agentName(k.agentId) : ''),
  el('td', { class: 'num' }, k.priority ?? ''))));
  $('overdue-empty').hidden = overdue.length > 0;

  const notices = [...state.notices.values()].sort((a, b) => String(b.at || b.createdAt || '').localeCompare(String(a.at || a.createdAt || '')));
  $('notice-rows').replaceChildren(...notices.slice(0, 200).map((x) => el('tr', { 'data-testid': 'notice-row' },
    el('td', { class: 'mono' }, fmtTime(x.at || x.updatedAt || x.createdAt)),
    el('td', {}, x.clientId || ''),
    el('td', {}, label('noticeType', x.type)),
    el('td', {}, x.from ? el('span', { class: 'muted' }, `${label('noticeStatus', x.from)} → `) : null,
      el('span', { class: `badge ${x.to || x.status}` }, label('noticeStatus', x.to || x.status)),
      x.channel ? el('span', { class: 'muted' }, ` · ${label('channel', x.channel)}`) : null))));
  $('notices-empty').hidden = notices.length > 0;
}

function agentName(id) {
  const a = state.agents.get(String(id));
  return a && a.displayName ? a.displayName : id;
}

function taskLink(taskId, text) {
  const known = state.tasks.get(String(taskId));
  if (!text) text = known ? `${known.clientName || known.clientId} · ${label('taskType', known.type)}` : String(taskId).slice(0, 8);
  return el('a', {
    href: '#', 'data-testid': 'task-link', dataset: { taskId },
    onclick: (e) => { e.preventDefault(); e.stopPropagation(); openTask(taskId); },
  }, text);
}

// ------------------------------------------------------------------ drill-down

function openAgent(agentId) {
  state.drawer = { kind: 'agent', id: String(agentId), data: {} };
  $('drawer').hidden = false;
  renderDrawer();
  loadDrawer();
}

function openTask(taskId) {
  state.drawer = { kind: 'task', id: String(taskId), data: {} };
  $('drawer').hidden = false;
  renderDrawer();
  loadDrawer();
}

function closeDrawer() {
  state.drawer = null;
  $('drawer').hidden = true;
}

let drawerTimer = null;

function refreshDrawerSoon() {
  clearTimeout(drawerTimer);
  drawerTimer = setTimeout(loadDrawer, 300);
}

async function loadDrawer() {
  const d = state.drawer;
  if (!d) return;
  const id = d.id;
  const get = (url) => api('GET', url).catch((e) => ({ error: e }));
  if (d.kind === 'agent') {
    const agent = state.agents.get(id) || {};
    const [task, scorecards] = await Promise.all([
      agent.taskId ? get(`/api/v1/callbacks/${agent.taskId}`) : Promise.resolve(null),
      get(`/api/v1/agents/${encodeURIComponent(id)}/scorecards`),
    ]);
    if (!state.drawer || state.drawer.id !== id) return;
    state.drawer.data = { task, scorecards };
  } else {
    const task = await get(`/api/v1/callbacks/${id}`);
    if (!state.drawer || state.drawer.id !== id) return;
    state.drawer.data = { task };
  }
  renderDrawer();
}

function renderDrawer() {
  const d = state.drawer;
  if (!d) return;
  const body = $('drawer-body');
  if (d.kind === 'agent') {
    const a = state.agents.get(d.id) || { agentId: d.id };
    $('drawer-title').textContent = `${t('sup.agentDetail')} · ${a.displayName || a.agentId}`;
    const calls = [...state.calls.values()].filter((c) => String(c.agentId) === d.id && c.state !== 'ENDED');
    const sc = d.data.scorecards;
    body.replaceChildren(
      el('dl', { class: 'dl', 'data-testid': 'drawer-agent' },
        el('dt', {}, t('sup.state')), el('dd', {}, el('span', { class: `badge ${a.state}` }, label('agentState', a.state)),
          a.reason ? ` ${label('pauseReason', a.reason)}` : ''),
        el('dt', {}, t('sup.timeInState')), el('dd', { class: 'mono' }, el('span', { dataset: { since: a.since || '' } }, '')),
        a.wrapUpUntil && a.state === 'WRAP_UP' ? [el('dt', {}, t('agent.wrapUpLeft')),
          el('dd', { class: 'mono' }, el('span', { dataset: { until: a.wrapUpUntil } }, ''))] : null),
      el('h3', {}, t('sup.currentTask')),
      d.data.task && !d.data.task.error ? taskSummary(d.data.task) : el('p', { class: 'empty' },
        d.data.task && d.data.task.error ? d.data.task.error.message : t('common.none')),
      el('h3', {}, t('sup.currentCalls')),
      calls.length ? el('ul', { class: 'history-list' }, calls.map((c) => el('li', {},
        el('span', { class: `badge ${c.state}` }, label('callState', c.state)), ' ', c.clientId || '', ' · ',
        el('span', { class: 'mono', dataset: { since: c.answeredAt || c.startedAt || '' } }, ''))))
        : el('p', { class: 'empty' }, t('common.none')),
      el('h3', {}, t('sup.scorecards')),
      scorecardSummary(sc));
  } else {
    const task = d.data.task;
    const live = state.tasks.get(d.id) || {};
    $('drawer-title').textContent = `${t('sup.taskDetail')} · ${(task && task.clientName) || live.clientName || live.clientId || d.id.slice(0, 8)}`;
    if (!task) { body.replaceChildren(el('p', { class: 'empty' }, t('common.loading'))); return; }
    if (task.error) { body.replaceChildren(el('p', { class: 'form-error' }, task.error.message)); return; }
    body.replaceChildren(taskSummary(task, true));
  }
}

function taskSummary(task, full) {
  const parts = [
    el('dl', { class: 'dl', 'data-testid': 'drawer-task', dataset: { taskId: task.id } },
      el('dt', {}, t('sup.client')), el('dd', {}, `${task.clientName || ''} ${task.clientId}`),
      el('dt', {}, t('sup.type')), el('dd', {}, label('taskType', task.type)),
      el('dt', {}, t('sup.state')), el('dd', {}, el('span', { class: `badge ${task.state}` }, label('taskState', task.state))),
      el('dt', {}, t('sup.due')), el('dd', {}, fmtDateTime(task.dueBy), ' ', el('span', { dataset: { due: task.dueBy || '' } }, fmtTimeLeft(task.dueBy))),
      el('dt', {}, t('sup.agent')), el('dd', {}, task.offeredTo || task.agentId || ''),
      el('dt', {}, t('sup.attempts')), el('dd', {}, `${task.attempts || 0}${task.maxAttempts ? ' / ' + task.maxAttempts : ''}`),
      task.disposition ? [el('dt', {}, t('sup.disposition')), el('dd', {}, label('disposition', task.disposition))] : null,
      task.missingAnswers ? [el('dt', {}, t('sup.missingAnswers')), el('dd', { class: 'overdue' }, task.missingAnswers.join(', '))] : null),
  ];
  if (!full) return el('div', {}, parts);
  if (task.script && task.answers) {
    parts.push(el('h3', {}, t('sup.answers')), el('dl', { class: 'dl' }, task.script.questions.map((q) => [
      el('dt', {}, document.documentElement.lang === 'en' ? q.textEn : q.textZh), el('dd', {}, String(task.answers[q.id] ?? '—'))])));
  }
  parts.push(el('h3', {}, t('sup.calls')));
  const calls = task.calls || [];
  parts.push(calls.length ? el('ul', { class: 'history-list' }, calls.map((c) => el('li', { dataset: { callId: c.id } },
    el('span', { class: `badge ${c.state}` }, label('callState', c.state)), ' ', fmtDateTime(c.createdAt),
    c.talkSeconds !== undefined ? ` · ${fmtDuration(c.talkSeconds)}` : '', c.outcome ? ` · ${c.outcome}` : '',
    c.recording && c.recording.evidenceId && c.recording.state === 'STORED' ? [' · ', el('a', {
      href: '#', onclick: (e) => { e.preventDefault(); closeDrawer(); showTab('recordings'); openRecording(c.recording.evidenceId); },
    }, `▶ ${t('sup.player')}`)] : null))) : el('p', { class: 'empty' }, t('common.none')));
  if (Array.isArray(task.notes) && task.notes.length) {
    parts.push(el('h3', {}, t('sup.notes')), el('ul', { class: 'history-list' }, task.notes.map((n) =>
      el('li', {}, el('span', { class: 'muted' }, `${n.author} · ${fmtDateTime(n.at)} `), n.text))));
  } else if (typeof task.notes === 'string' && task.notes) {
    parts.push(el('h3', {}, t('sup.notes')), el('p', {}, task.notes));
  }
  const history = task.history || [];
  if (history.length) {
    parts.push(el('h3', {}, t('sup.history')), el('ul', { class: 'history-list' }, history.slice(-30).map((h) =>
      el('li', {}, el('span', { class: 'mono muted' }, fmtDateTime(h.at)), ' ', h.kind))));
  }
  return el('div', {}, parts);
}

function scorecardSummary(sc) {
  if (!sc) return el('p', { class: 'empty' }, t('common.loading'));
  if (sc.error) return el('p', { class: 'form-error' }, sc.error.message);
  if (!sc.count) return el('p', { class: 'empty', 'data-testid': 'agent-scorecards' }, t('sup.noScorecards'));
  const avg = sc.averageTotal === null || sc.averageTotal === undefined ? '–' : Number(sc.averageTotal).toFixed(1);
  return el('div', { 'data-testid': 'agent-scorecards' },
    el('p', {}, t('sup.scored', sc.count, avg)),
    el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('sup.startedAt')), el('th', { class: 'num' }, t('sup.total')),
      el('th', {}, t('sup.scoredBy')))),
    el('tbody', {}, (sc.items || []).slice(0, 10).map((s) => el('tr', {},
      el('td', {}, fmtDateTime(s.scoredAt)), el('td', { class: 'num' }, s.total), el('td', {}, s.scoredBy))))));
}

// ------------------------------------------------------------------ recording audit: search

function searchParams(page) {
  const form = $('search-form');
  const p = new URLSearchParams();
  for (const name of ['clientId', 'agentId', 'type', 'disposition', 'acknowledged', 'minSeconds', 'maxSeconds']) {
    const v = form.elements[name].value.trim();
    if (v) p.set(name, v);
  }
  for (const name of ['from', 'to']) {
    const v = form.elements[name].value;
    if (v) p.set(name, new Date(`${v}:00+08:00`).toISOString());
  }
  p.set('page', String(page));
  p.set('size', String(PAGE_SIZE));
  return p;
}

let searchSeq = 0;

async function search(page) {
  const form = $('search-form');
  clearProblem(form);
  if (page < 0) return;
  const mine = ++searchSeq; // only the latest search's answer is shown
  try {
    const result = await api('GET', `/api/v1/recordings?${searchParams(page)}`);
    if (mine !== searchSeq) return;
    state.search = { page: result.page, total: result.total, rows: result.content || [] };
  } catch (e) {
    if (mine !== searchSeq) return;
    showProblem(form, e);
    state.search = { page: 0, total: 0, rows: [] };
  }
  renderSearch();
}

function renderSearch() {
  const s = state.search;
  $('search-count').textContent = t('sup.results', s.total);
  $('recording-rows').replaceChildren(...s.rows.map((r) => el('tr', {
    class: `clickable ${state.selected && state.selected.id === r.id ? 'selected' : ''}`, tabindex: '0',
    'data-testid': 'recording-row', dataset: { recordingId: r.id, callId: r.callId, clientId: r.clientId || '' },
    onclick: () => openRecording(r.id), onkeydown: (e) => { if (e.key === 'Enter') openRecording(r.id); },
  },
  el('td', {}, fmtDateTime(r.startedAt)),
  el('td', {}, r.clientId || ''),
  el('td', {}, r.agentId ? agentName(r.agentId) : ''),
  el('td', {}, label('taskType', r.type)),
  el('td', { class: 'num mono' }, fmtDuration(r.durationSeconds)),
  el('td', {}, label('disposition', r.disposition)),
  el('td', {}, r.acknowledged ? t('common.yes') : t('common.no')),
  el('td', {}, r.legalHold ? el('span', { class: 'badge FAILED' }, '⚖') : ''),
  el('td', { class: 'num', 'data-testid': 'recording-row-score' }, r.scorecard ? r.scorecard.total : ''))));
  $('recordings-empty').hidden = s.rows.length > 0;
  const pages = Math.ceil(s.total / PAGE_SIZE);
  $('pager').hidden = pages <= 1;
  $('page-no').textContent = t('sup.page', s.page + 1);
  $('page-prev').disabled = s.page <= 0;
  $('page-next').disabled = s.page + 1 >= pages;
}

// ------------------------------------------------------------------ recording audit: one recording

async function openRecording(id) {
  try {
    const recording = await api('GET', `/api/v1/recordings/${id}`);
    state.selected = recording;
    state.scorecard = null;
    const player = $('player');
    player.src = `/api/v1/recordings/${id}/audio`;
    player.load();
    clearProblem($('scorecard-form'));
    clearProblem($('hold-form'));
    clearProblem($('export-form'));
    $('export-status').hidden = true;
    $('scorecard-form').dataset.ready = 'false';
    renderSearch();
    renderRecording();
    await Promise.all([loadCriteria(), loadScorecard(recording.callId)]);
    if (state.selected !== recording) return;
    renderRecording();
    $('scorecard-form').dataset.ready = 'true';
  } catch (e) {
    toast(e.message, 'error');
  }
}

async function loadCriteria() {
  if (state.criteria) return;
  try {
    state.criteria = await api('GET', '/api/v1/quality/criteria');
  } catch (e) {
    state.criteria = null;
    showProblem($('scorecard-form'), e);
  }
}

async function loadScorecard(callId) {
  try {
    state.scorecard = await api('GET', `/api/v1/calls/${callId}/scorecard`);
  } catch (e) {
    state.scorecard = null;
    if (!(e instanceof ApiError && e.status === 404)) showProblem($('scorecard-form'), e);
  }
}

function renderRecording() {
  const r = state.selected;
  $('no-recording').hidden = !!r;
  $('recording-detail').hidden = !r;
  if (!r) return;
  $('recording-detail').dataset.recordingId = r.id;
  const call = r.call || {};
  $('recording-meta').replaceChildren(
    el('dt', {}, t('sup.client')), el('dd', {}, r.clientId || ''),
    el('dt', {}, t('sup.agent')), el('dd', {}, r.agentId ? agentName(r.agentId) : label('callKind', r.kind || 'IVR')),
    el('dt', {}, t('sup.type')), el('dd', {}, label('taskType', r.type)),
    el('dt', {}, t('sup.startedAt')), el('dd', {}, fmtDateTime(r.startedAt), ' · ', fmtDuration(r.durationSeconds)),
    el('dt', {}, t('sup.disposition')), el('dd', {}, label('disposition', r.disposition) || '—'),
    el('dt', {}, t('sup.sha256')), el('dd', { class: 'mono', 'data-testid': 'recording-sha256' }, r.sha256 || ''),
    el('dt', {}, t('sup.bytes')), el('dd', {}, r.bytes ? `${(r.bytes / 1024).toFixed(1)} KB` : ''),
    el('dt', {}, t('sup.retainUntil')), el('dd', {}, r.retainUntil ? fmtDateTime(r.retainUntil) : '—'),
    el('dt', {}, t('sup.legalHold')), el('dd', {}, r.legalHold ? t('sup.legalHoldOn') : t('sup.legalHoldOff')),
    r.taskId ? [el('dt', {}, t('sup.task')), el('dd', {}, taskLink(r.taskId, t('sup.viewTask')))] : null,
    call.hangupCause ? [el('dt', {}, 'Hangup'), el('dd', {}, call.hangupCause)] : null);
  renderScorecard();
  renderCompliance();
}

function renderScorecard() {
  const r = state.selected;
  const criteria = state.criteria || [];
  const latest = state.scorecard;
  const canScore = hasRole(state.me, 'SUPERVISOR') && r.kind !== 'IVR' && !!r.agentId;
  const en = document.documentElement.lang === 'en';
  $('criteria-rows').replaceChildren(...criteria.map((c) => el('tr', { dataset: { criterion: c.code } },
    el('td', {}, el('label', { for: `score-${c.code}` }, en ? c.nameEn : c.nameZh)),
    el('td', { class: 'num' }, c.max),
    el('td', {}, el('input', {
      type: 'number', id: `score-${c.code}`, name: `scores.${c.code}`, min: '0', max: String(c.max), step: '1',
      required: true, 'data-testid': `score-${c.code}`, disabled: !canScore,
      value: latest && latest.scores && latest.scores[c.code] !== undefined ? latest.scores[c.code] : '',
    }), el('div', { class: 'field-error', hidden: true, dataset: { errorFor: `scores.${c.code}` } })),
    el('td', {}, el('input', {
      type: 'text', name: `comments.${c.code}`, maxlength: '500', 'aria-label': `${t('sup.comment')} ${en ? c.nameEn : c.nameZh}`,
      disabled: !canScore, value: latest && latest.comments && latest.comments[c.code] ? latest.comments[c.code] : '',
    }), el('div', { class: 'field-error', hidden: true, dataset: { errorFor: `comments.${c.code}` } })))));
  $('score-max-total').textContent = criteria.reduce((s, c) => s + c.max, 0) || '';
  $('score-comment').value = latest && latest.comment ? latest.comment : '';
  $('score-comment').disabled = !canScore;
  $('save-scorecard').hidden = !canScore;
  $('scorecard-readonly').hidden = canScore;
  $('scorecard-latest').textContent = latest
    ? t('sup.lastScore', latest.total, latest.scoredBy, fmtDateTime(latest.scoredAt)) + (latest.revisions ? ` · rev ${latest.revisions}` : '')
    : t('sup.notScored');
  updateTotal();
}

function updateTotal() {
  let total = 0;
  document.querySelectorAll('#criteria-rows input[type=number]').forEach((i) => { total += Number(i.value) || 0; });
  $('score-total').textContent = total;
}

async function saveScorecard(event) {
  event.preventDefault();
  const form = $('scorecard-form');
  const r = state.selected;
  if (!r) return;
  clearProblem(form);
  const scores = {};
  const comments = {};
  let firstInvalid = null;
  for (const c of state.criteria || []) {
    const input = form.elements[`scores.${c.code}`];
    const raw = input.value.trim();
    const value = Number(raw);
    if (raw === '' || !Number.isInteger(value) || value < 0 || value > c.max) {
      fieldError(form, `scores.${c.code}`, t('sup.scoreRequired', c.max));
      if (!firstInvalid) firstInvalid = input;
    } else {
      scores[c.code] = value;
    }
    const comment = form.elements[`comments.${c.code}`].value.trim();
    if (comment) comments[c.code] = comment;
  }
  if (firstInvalid) {
    firstInvalid.focus();
    return;
  }
  const body = { scores, comments };
  const overall = $('score-comment').value.trim();
  if (overall) body.comment = overall;
  $('save-scorecard').disabled = true;
  try {
    const saved = await api('PUT', `/api/v1/calls/${r.callId}/scorecard`, body);
    state.scorecard = saved;
    toast(t('sup.scorecardSaved', saved.total, saved.revision ?? saved.revisions ?? ''), 'ok');
    const row = state.search.rows.find((x) => x.id === r.id);
    if (row) row.scorecard = { total: saved.total, scoredBy: saved.scoredBy, scoredAt: saved.scoredAt };
    renderSearch();
    renderScorecard();
    $('scorecard-latest').textContent = t('sup.scorecardSaved', saved.total, saved.revision ?? saved.revisions ?? '');
    $('scorecard-latest').dataset.saved = 'true';
  } catch (e) {
    showProblem(form, e);
  } finally {
    $('save-scorecard').disabled = false;
  }
}

// ------------------------------------------------------------------ recording audit: legal hold and export (auditors)

function renderCompliance() {
  const r = state.selected;
  const auditor = hasRole(state.me, 'AUDITOR');
  $('compliance').hidden = !auditor;
  if (!auditor) return;
  const hold = !!r.legalHold;
  $('hold-state').className = `badge ${hold ? 'FAILED' : 'ENDED'}`;
  $('hold-state').textContent = hold ? t('sup.legalHoldOn') : t('sup.legalHoldOff');
  $('hold-toggle').textContent = hold ? t('sup.liftHold') : t('sup.setHold');
  $('hold-toggle').className = hold ? '' : 'danger';
  $('export-task').hidden = !r.taskId;
  $('export-client').hidden = !r.clientId;
}

async function toggleHold(event) {
  event.preventDefault();
  const form = $('hold-form');
  const r = state.selected;
  clearProblem(form);
  const reason = $('hold-reason').value.trim();
  if (!reason) {
    fieldError(form, 'reason', t('common.required'));
    $('hold-reason').focus();
    return;
  }
  try {
    const evidence = await api('PUT', `/api/v1/evidence/${r.id}/legal-hold`, { hold: !r.legalHold, reason });
    r.legalHold = evidence.legalHold;
    r.retainUntil = evidence.retainUntil;
    const row = state.search.rows.find((x) => x.id === r.id);
    if (row) row.legalHold = evidence.legalHold;
    $('hold-reason').value = '';
    toast(t('sup.holdSaved'), 'ok');
    renderSearch();
    renderRecording();
  } catch (e) {
    showProblem(form, e);
  }
}

async function requestExport(what) {
  const form = $('export-form');
  const r = state.selected;
  clearProblem(form);
  const body = what === 'task' ? { taskId: r.taskId } : { clientId: r.clientId };
  try {
    const exp = await api('POST', '/api/v1/evidence/exports', body);
    // its progress may have arrived on the live stream before this answer did
    showExport(state.exports.get(String(exp.id)) || exp);
  } catch (e) {
    showProblem(form, e);
  }
}

/**
 * An export is built in the background; its progress arrives on the requester's own live stream
 * (/user/queue/exports, EXPORT_STATE): no polling.
 */
function showExport(exp) {
  state.exportShown = exp.id;
  $('export-status').hidden = false;
  $('export-status').dataset.state = exp.state;
  const total = exp.total || 0;
  $('export-bar').style.width = exp.state === 'DONE' ? '100%' : total ? `${Math.round((100 * exp.done) / total)}%` : '5%';
  $('export-text').textContent = t('sup.exportProgress', t(`sup.exportState.${exp.state}`), exp.done || 0, total || '?')
    + (exp.error ? ` · ${exp.error}` : '');
  const link = $('export-download');
  link.hidden = exp.state !== 'DONE';
  link.href = `/api/v1/evidence/exports/${exp.id}/bundle`;
  link.textContent = t('sup.download') + (exp.bundleBytes ? ` (${(exp.bundleBytes / 1024).toFixed(1)} KB)` : '');
}

main();

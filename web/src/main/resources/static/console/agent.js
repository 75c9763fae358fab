// The agent console. The server decides every state (the agent's, the task's, the call's); this page shows what the
// server last said and asks it to act. Buttons are enabled from the server's task state, never from a guess of ours.
import {
  $, api, ApiError, applyI18n, clearProblem, el, fieldError, fmtDateTime, fmtDuration, fmtTime, fmtTimeLeft, hasRole, initChrome,
  label, loadMe, onLanguageChange, showLiveStatus, showProblem, startTicker, t, toast,
} from './common.js';
import { LiveClient } from './live.js';

const PAUSE_REASONS = ['BREAK', 'MEAL', 'TRAINING', 'MEETING', 'BACK_OFFICE', 'SYSTEM_ISSUE'];
const DISPOSITIONS = ['REACHED_CONFIRMED', 'REACHED_REFUSED', 'WRONG_PERSON', 'CALL_BACK_LATER', 'NO_ANSWER', 'BUSY',
  'CALL_DROPPED', 'INVALID_NUMBER', 'DO_NOT_CALL'];
// a client reached: the script's required questions must be answered
const NEEDS_ANSWERS = ['REACHED_CONFIRMED', 'REACHED_REFUSED'];
const WORKING = ['OFFERED', 'DIALING', 'IN_CALL', 'WRAP_UP'];
// how far a call has got, so that an older read never moves it back
const CALL_RANK = { QUEUED: 0, ORIGINATING: 0, DIALING: 1, RINGING_AGENT: 1, DIALING_CLIENT: 2, RINGING: 3, ANSWERED: 4, UP: 4, ENDED: 5 };

const state = {
  me: null,
  agent: { state: 'OFFLINE' }, // the server's view of me: state, reason, since, wrapUpUntil, taskId, endpoint
  myTasks: new Map(),          // TASK_STATE data of tasks offered to / assigned to / reserved for me
  currentId: null,
  task: null,                  // GET /api/v1/callbacks/{id}
  calls: new Map(),            // callId → merged call (REST + CALL_STATE)
  queue: [],
  historyClient: null,
  notifications: [],
  lastResult: null,
  answers: {},                 // what the agent typed, by task and question, kept across re-renders
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
  if (!hasRole(me, 'AGENT')) {
    $('forbidden').hidden = false;
    return;
  }
  $('agent-page').hidden = false;
  buildStaticOptions();
  wireActions();
  onLanguageChange(renderAll);
  startTicker();
  await Promise.all([loadAgent(), loadQueue()]);
  renderAll();
  new LiveClient({
    streams: [
      { name: 'mytasks', destination: '/user/queue/tasks' },
      { name: 'me', destination: '/user/queue/agent' },
      // depth changes only say "the queue moved": the preview is fetched again, there is no snapshot to keep
      { name: 'queues', destination: '/topic/queues', snapshot: false },
    ],
    onSnapshot: snapshot,
    onMessage: message,
    onResync: (name) => { if (name === 'queues') queueChanged(false); },
    onStatus: showLiveStatus,
  }).start();
}

function buildStaticOptions() {
  const reason = $('pause-reason');
  for (const r of PAUSE_REASONS) reason.append(el('option', { value: r, dataset: { i18n: `pauseReason.${r}` } }, label('pauseReason', r)));
  const disposition = $('disposition');
  disposition.append(el('option', { value: '', dataset: { i18n: 'agent.chooseDisposition' } }, t('agent.chooseDisposition')));
  for (const d of DISPOSITIONS) disposition.append(el('option', { value: d, dataset: { i18n: `disposition.${d}` } }, label('disposition', d)));
}

// ------------------------------------------------------------------ live

function snapshot(name, items) {
  if (name === 'me') {
    if (items[0]) applyAgent(items[0]);
  } else if (name === 'mytasks') {
    state.myTasks = new Map(items.map((task) => [String(task.taskId || task.id), task]));
    chooseCurrent();
    queueChanged();
  }
}

function message(name, m) {
  const data = m.data || {};
  if (name === 'queues') {
    queueChanged(false);
    return;
  }
  switch (m.type) {
    case 'AGENT_STATE':
      applyAgent(data);
      break;
    case 'CALL_STATE':
      mergeCall(data);
      if (data.taskId && String(data.taskId) === String(state.currentId)) {
        renderCall();
        if (data.state === 'ENDED' || data.state === 'ANSWERED') reloadTaskSoon();
      }
      break;
    case 'CLIENT_ACKNOWLEDGED':
      notify(t('agent.clientAcknowledged', data.clientId, label('channel', data.channel)));
      if (state.task && state.task.clientId === data.clientId) loadHistory(data.clientId, true);
      break;
    case 'TASK_OFFERED': {
      const id = String(data.taskId || m.id);
      state.myTasks.set(id, { ...(state.myTasks.get(id) || {}), ...data, taskId: id, state: data.state || 'OFFERED' });
      notify(t('agent.offered', data.clientName || data.clientId || '', label('taskType', data.type)));
      chooseCurrent();
      queueChanged();
      break;
    }
    case 'TASK_STATE': {
      const id = String(data.taskId || m.id);
      const before = state.myTasks.get(id);
      if (!before) notify(t('agent.assigned', data.clientName || data.clientId || id.slice(0, 8), label('taskState', data.state)));
      if (['DONE', 'FAILED', 'CANCELLED'].includes(data.state)) state.myTasks.delete(id);
      else state.myTasks.set(id, { ...(before || {}), ...data, taskId: id });
      if (id === String(state.currentId)) reloadTaskSoon();
      chooseCurrent();
      queueChanged();
      break;
    }
    case 'TASK_NOTE':
      if (String(data.taskId || m.id) === String(state.currentId)) reloadTaskSoon();
      break;
    default:
      break;
  }
}

// ------------------------------------------------------------------ the agent's state

async function loadAgent() {
  try {
    applyAgent(await api('GET', '/api/v1/agents/me'));
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) toast(e.message, 'error');
    // 404: never signed in to the queue yet, i.e. offline
  }
}

/** Takes the server's view of me, from GET /api/v1/agents/me (AgentView) or an AGENT_STATE message. */
function applyAgent(a) {
  const next = {
    ...state.agent,
    state: a.state || state.agent.state,
    reason: a.reason === undefined ? null : a.reason,
    since: a.since || state.agent.since,
    endpoint: a.endpoint || state.agent.endpoint,
    taskId: a.taskId !== undefined ? a.taskId : a.currentTask !== undefined ? a.currentTask : state.agent.taskId,
    callId: a.callId !== undefined ? a.callId : a.currentCall !== undefined ? a.currentCall : state.agent.callId,
    wrapUpUntil: a.wrapUpUntil !== undefined ? a.wrapUpUntil : (a.state === 'WRAP_UP' ? state.agent.wrapUpUntil : null),
  };
  const enteredWrapUp = next.state === 'WRAP_UP' && !next.wrapUpUntil;
  state.agent = next;
  renderAgent();
  chooseCurrent();
  // AGENT_STATE does not carry the wrap-up deadline: the server's agent view does
  if (enteredWrapUp && a.wrapUpUntil === undefined) {
    api('GET', '/api/v1/agents/me').then((view) => {
      if (view && view.state === 'WRAP_UP') { state.agent.wrapUpUntil = view.wrapUpUntil; renderAgent(); }
    }).catch(() => {});
  }
}

function renderAgent() {
  const a = state.agent;
  const badge = $('my-state');
  badge.className = `badge ${a.state}`;
  badge.textContent = label('agentState', a.state);
  badge.dataset.state = a.state;
  $('my-state-since').dataset.since = a.since || '';
  if (!a.since) $('my-state-since').textContent = '';
  $('my-state-reason').textContent = a.state === 'PAUSED' && a.reason ? `（${label('pauseReason', a.reason)}）` : '';
  const wrap = a.state === 'WRAP_UP';
  $('wrapup').hidden = !wrap || !a.wrapUpUntil;
  $('wrapup-left').dataset.until = wrap && a.wrapUpUntil ? a.wrapUpUntil : '';
  const busy = a.state === 'ON_CALL';
  $('set-available').disabled = a.state === 'AVAILABLE' || busy;
  $('set-paused').disabled = busy;
  $('set-offline').disabled = a.state === 'OFFLINE' || busy;
  $('softphone-note').textContent = ' ' + t('agent.softphoneNote', a.endpoint || state.me.username);
}

async function setState(wanted) {
  const form = $('state-form');
  clearProblem(form);
  const body = { state: wanted };
  if (wanted === 'PAUSED') {
    body.reason = $('pause-reason').value;
    if (!body.reason) {
      fieldError(form, 'reason', t('agent.reasonRequired'));
      $('pause-reason').focus();
      return;
    }
  }
  try {
    applyAgent(await api('PUT', '/api/v1/agents/me/state', body));
    toast(t('agent.stateChanged', label('agentState', state.agent.state)), 'ok');
    queueChanged();
  } catch (e) {
    showProblem(form, e);
  }
}

// ------------------------------------------------------------------ the queue preview

let queueTimer = null;
let queueDue = 0;

/** The queue moved (a task or depth message): fetch the preview again, at most once per half second. */
/**
 * Plans a refresh of my queue preview. My own changes (my tasks, my state) refresh it soon; other agents' work (the
 * shared queue depths) after a random 2–6 s, so a thousand consoles do not all ask at once, and a steady stream of
 * changes cannot postpone it for ever (an earlier planned refresh is kept, never pushed back).
 */
function queueChanged(soon = true) {
  const delay = soon ? 300 : 2000 + Math.random() * 4000;
  const due = Date.now() + delay;
  if (queueTimer && queueDue <= due) return;
  clearTimeout(queueTimer);
  queueDue = due;
  queueTimer = setTimeout(() => { queueTimer = null; loadQueue(); }, delay);
}

async function loadQueue() {
  try {
    const rows = await api('GET', '/api/v1/agents/me/queue?limit=10');
    state.queue = Array.isArray(rows) ? rows : (rows && rows.items) || [];
    $('queue-error').hidden = true;
  } catch (e) {
    state.queue = [];
    $('queue-error').textContent = e.message;
    $('queue-error').hidden = false;
  }
  renderQueue();
}

function renderQueue() {
  const body = $('queue-rows');
  body.replaceChildren(...state.queue.map((q) => el('tr', { dataset: { taskId: q.id, testid: 'queue-row' } },
    el('td', { title: q.clientId }, q.clientName || q.clientId,
      q.reservedForMe ? el('span', { class: 'badge OFFERED', style: 'margin-left:4px' }, t('agent.reservedForMe')) : null),
    el('td', {}, label('taskType', q.type)),
    el('td', { class: 'num' }, q.priority),
    el('td', {}, fmtDateTime(q.dueBy)),
    el('td', {}, el('span', { dataset: { due: q.dueBy || '' } }, fmtTimeLeft(q.dueBy)),
      q.inWindowNow === false ? el('span', { class: 'muted' }, ` · ${t('agent.notInWindow')}`) : null))));
  $('queue-empty').hidden = state.queue.length > 0 || !$('queue-error').hidden;
}

async function takeNext() {
  const button = $('take-next');
  button.disabled = true;
  try {
    const task = await api('POST', '/api/v1/agents/me/next');
    if (!task) {
      toast(t('agent.noNextTask'));
    } else {
      toast(t('agent.taken', task.clientName || task.clientId), 'ok');
      state.myTasks.set(String(task.id), { taskId: String(task.id), state: task.state, clientId: task.clientId, type: task.type });
      state.lastResult = null;
      showTask(task);
    }
    queueChanged();
  } catch (e) {
    toast(e.message, 'error');
  } finally {
    button.disabled = false;
  }
}

// ------------------------------------------------------------------ the current task

/** The task the server says I work on; else one of mine in a working state; else none. */
function chooseCurrent() {
  let id = state.agent.taskId ? String(state.agent.taskId) : null;
  if (!id) {
    for (const [taskId, task] of state.myTasks) {
      if (WORKING.includes(task.state) && (!task.agentId || task.agentId === state.me.username || task.state === 'OFFERED')) {
        id = taskId;
        break;
      }
    }
  }
  if (!id && state.task && WORKING.includes(state.task.state) && state.myTasks.has(String(state.task.id))) id = String(state.task.id);
  if (id !== state.currentId) {
    state.currentId = id;
    if (id) loadTask(id);
    else if (state.task) reloadTaskSoon(); // no longer mine to work: learn how it ended
  }
}

let taskTimer = null;

function reloadTaskSoon() {
  clearTimeout(taskTimer);
  taskTimer = setTimeout(() => { if (state.currentId || state.task) loadTask(state.currentId || state.task.id); }, 200);
}

async function loadTask(id) {
  try {
    const task = await api('GET', `/api/v1/callbacks/${id}`);
    showTask(task);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      state.task = null;
      renderTask();
    } else {
      toast(e.message, 'error');
    }
  }
}

function showTask(task) {
  const changedClient = !state.task || state.task.clientId !== task.clientId;
  const changedTask = !state.task || String(state.task.id) !== String(task.id);
  state.task = task;
  state.currentId = WORKING.includes(task.state) ? String(task.id) : state.currentId;
  for (const call of task.calls || []) mergeCall(call);
  if (!WORKING.includes(task.state)) {
    // the task left my hands (disposed, failed, cancelled): show the result and clear the desk
    state.myTasks.delete(String(task.id));
    if (String(state.currentId) === String(task.id)) state.currentId = null;
    state.task = null;
  }
  if (changedTask) {
    $('script-questions').dataset.renderedFor = '';
    $('disposition-form').reset();
    clearProblem($('disposition-form'));
  }
  renderTask();
  if (state.task && (changedClient || changedTask)) loadHistory(task.clientId);
}

function renderTask() {
  const task = state.task;
  $('no-task').hidden = !!task;
  $('task').hidden = !task;
  $('task-state').hidden = !task;
  renderLastResult();
  if (!task) {
    renderNotes(null);
    $('history').replaceChildren(el('p', { class: 'empty' }, t('agent.noHistory')));
    state.historyClient = null;
    return;
  }
  $('task').dataset.taskId = task.id;
  $('task-state').className = `badge ${task.state}`;
  $('task-state').dataset.state = task.state;
  $('task-state').textContent = label('taskState', task.state);
  $('task-client').textContent = task.clientName || task.clientId;
  $('task-client-id').textContent = task.clientId;
  $('task-type').textContent = label('taskType', task.type);
  $('task-phone').textContent = task.phone || '';
  $('task-due').textContent = fmtDateTime(task.dueBy);
  $('task-due-left').dataset.due = task.dueBy || '';
  $('task-attempts').textContent = task.maxAttempts ? `${task.attempts || 0} / ${task.maxAttempts}` : (task.attempts || 0);
  $('task-reference').textContent = task.reference || task.id;
  renderScript(task);
  renderCall();
  renderNotes(task);
  const wrapUp = task.state === 'WRAP_UP';
  $('save-disposition').disabled = !wrapUp;
  $('disposition-hint').hidden = wrapUp;
}

function renderLastResult() {
  const box = $('last-result');
  const r = state.lastResult;
  box.hidden = !r;
  if (r) {
    box.textContent = `${t('agent.lastResult')}：${r.client} · ${t('agent.dispositionSaved', label('disposition', r.disposition), label('taskState', r.state))}`;
    box.dataset.state = r.state;
  }
}

// ------------------------------------------------------------------ the call

function mergeCall(c) {
  const id = String(c.callId || c.id);
  if (!id || id === 'undefined') return;
  const old = state.calls.get(id) || {};
  const newer = (CALL_RANK[c.state] ?? -1) >= (CALL_RANK[old.state] ?? -1);
  const merged = { ...old };
  for (const [k, v] of Object.entries(c)) if (v !== null && v !== undefined && k !== 'state') merged[k] = v;
  merged.id = id;
  merged.taskId = c.taskId || old.taskId;
  merged.state = newer ? c.state : old.state;
  merged.recording = { ...(old.recording || {}), ...(c.recording || {}) };
  state.calls.set(id, merged);
}

/** The task's latest call, as the server last described it. */
function currentCall() {
  const task = state.task;
  if (!task) return null;
  let latest = null;
  for (const call of state.calls.values()) {
    if (String(call.taskId) !== String(task.id)) continue;
    const at = call.createdAt || call.startedAt || '';
    if (!latest || at >= (latest.createdAt || latest.startedAt || '')) latest = call;
  }
  return latest;
}

function renderCall() {
  const task = state.task;
  if (!task) return;
  const call = currentCall();
  const badge = $('call-state');
  const active = call && call.state !== 'ENDED';
  badge.className = `badge ${call ? call.state : ''}`;
  badge.dataset.state = call ? call.state : '';
  badge.textContent = call ? label('callState', call.state) : t('agent.noCall');
  const timer = $('call-timer');
  if (call && call.state === 'ANSWERED' && call.answeredAt) {
    timer.dataset.since = call.answeredAt;
  } else {
    timer.dataset.since = '';
    const talk = call && call.answeredAt && call.endedAt
      ? (new Date(call.endedAt) - new Date(call.answeredAt)) / 1000 : call && call.talkSeconds;
    timer.textContent = talk || talk === 0 ? fmtDuration(talk) : '';
  }
  const recording = (call && call.recording) || {};
  $('call-recording').hidden = !(active && (task.recordRequired !== false || recording.state || recording.startedAt));
  const stored = call && !active && recording.state === 'STORED';
  $('call-recording-stored').hidden = !stored;
  $('call-recording-stored').textContent = stored ? t('agent.recordingStored') : '';
  $('dial').disabled = task.state !== 'OFFERED';
  $('hangup').disabled = !active;
  $('hangup').dataset.callId = active ? call.id : '';
}

async function dial() {
  const task = state.task;
  $('call-error').hidden = true;
  $('dial').disabled = true;
  try {
    const dialled = await api('POST', `/api/v1/callbacks/${task.id}/dial`);
    mergeCall({ callId: dialled.callId, taskId: task.id, state: 'ORIGINATING', createdAt: new Date().toISOString() });
    renderCall();
    toast(t('agent.dialled'));
    await loadTask(task.id);
  } catch (e) {
    $('call-error').textContent = e.message;
    $('call-error').hidden = false;
    renderCall();
  }
}

async function hangup() {
  const callId = $('hangup').dataset.callId;
  if (!callId) return;
  $('call-error').hidden = true;
  $('hangup').disabled = true;
  try {
    await api('POST', `/api/v1/calls/${callId}/hangup`);
  } catch (e) {
    $('call-error').textContent = e.message;
    $('call-error').hidden = false;
    renderCall();
  }
}

// ------------------------------------------------------------------ script and disposition

function renderScript(task) {
  const box = $('script-questions');
  const script = task.script;
  const saved = state.answers[task.id] || (state.answers[task.id] = { ...(task.answers || {}) });
  $('script-title').textContent = script ? `${t('agent.script')} · ${pickLang(script.titleZh, script.titleEn)}` : t('agent.script');
  if (!script) {
    box.replaceChildren();
    box.dataset.renderedFor = '';
    return;
  }
  // rebuilt only for another task or language: a live update must not take the field the agent is typing in
  const renderedFor = `${task.id}|${document.documentElement.lang}`;
  if (box.dataset.renderedFor === renderedFor) return;
  box.dataset.renderedFor = renderedFor;
  box.replaceChildren(...script.questions.map((q) => {
    const field = `answers.${q.id}`;
    const input = el('input', {
      type: 'text', name: field, id: `answer-${q.id}`, value: saved[q.id] || '', 'data-testid': `answer-${q.id}`,
      placeholder: t('agent.answerPlaceholder'), 'aria-required': q.required ? 'true' : null,
      oninput: (e) => {
        saved[q.id] = e.target.value;
        e.target.parentElement.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.textContent === e.target.value)));
      },
    });
    const quick = (value, which) => el('button', {
      type: 'button', 'data-testid': `answer-${q.id}-${which}`, 'aria-pressed': String(saved[q.id] === value),
      onclick: (e) => {
        input.value = value;
        saved[q.id] = value;
        input.removeAttribute('aria-invalid');
        e.target.parentElement.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === e.target)));
      },
    }, value);
    return el('div', { class: 'question', dataset: { question: q.id } },
      el('label', { class: 'q', for: `answer-${q.id}` }, pickLang(q.textZh, q.textEn),
        q.required ? el('span', { class: 'req' }, `* ${t('agent.requiredMark')}`) : null),
      el('div', { class: 'answer-row' }, quick(t('agent.answerYes'), 'yes'), quick(t('agent.answerNo'), 'no'), input),
      el('div', { class: 'field-error', hidden: true, dataset: { errorFor: field } }));
  }));
}

function pickLang(zh, en) {
  return document.documentElement.lang === 'en' ? (en || zh) : (zh || en);
}

function toggleCallBackAt() {
  $('call-back-at-field').hidden = $('disposition').value !== 'CALL_BACK_LATER';
}

async function saveDisposition(event) {
  event.preventDefault();
  const form = $('disposition-form');
  const task = state.task;
  if (!task) return;
  clearProblem(form);
  const disposition = $('disposition').value;
  const answers = {};
  const script = task.script;
  for (const q of (script && script.questions) || []) {
    const value = (form.querySelector(`[name="answers.${q.id}"]`).value || '').trim();
    if (value) answers[q.id] = value;
  }
  // the page's own checks before asking: a disposition, a time to call back, the required answers
  let firstInvalid = null;
  const invalid = (field, text, control) => { fieldError(form, field, text); if (!firstInvalid) firstInvalid = control; };
  if (!disposition) invalid('disposition', t('agent.dispositionRequired'), $('disposition'));
  if (disposition === 'CALL_BACK_LATER' && !$('call-back-at').value) invalid('callBackAt', t('agent.callBackAtRequired'), $('call-back-at'));
  if (NEEDS_ANSWERS.includes(disposition)) {
    for (const q of (script && script.questions) || []) {
      if (q.required && !answers[q.id]) invalid(`answers.${q.id}`, t('agent.answerRequired'), $(`answer-${q.id}`));
    }
  }
  if (firstInvalid) {
    firstInvalid.focus();
    return;
  }
  const body = { disposition, answers, notes: $('disposition-notes').value.trim() || null };
  if (disposition === 'CALL_BACK_LATER') body.callBackAt = shanghaiOffset($('call-back-at').value);
  $('save-disposition').disabled = true;
  try {
    const saved = await api('POST', `/api/v1/callbacks/${task.id}/disposition`, body);
    state.lastResult = { client: task.clientName || task.clientId, disposition, state: saved.state, taskId: task.id };
    delete state.answers[task.id];
    toast(t('agent.dispositionSaved', label('disposition', disposition), label('taskState', saved.state)), 'ok');
    await loadTask(task.id);
    queueChanged();
  } catch (e) {
    showProblem(form, e);
    $('save-disposition').disabled = false;
  }
}

/** A datetime-local value read as Shanghai time, as ISO-8601 with +08:00. */
function shanghaiOffset(local) {
  return local.length === 16 ? `${local}:00+08:00` : `${local}+08:00`;
}

// ------------------------------------------------------------------ notes and history

function renderNotes(task) {
  const box = $('notes');
  const notes = task && Array.isArray(task.notes) ? task.notes : [];
  $('note-form').hidden = !task;
  if (!notes.length) {
    box.replaceChildren(el('p', { class: 'empty' }, t('agent.noNotes')));
    return;
  }
  box.replaceChildren(...notes.map((n) => el('div', { class: 'note', 'data-testid': 'task-note' },
    el('div', { class: 'meta' }, `${n.author || ''} · ${fmtDateTime(n.at)}`), el('div', {}, n.text))));
}

async function addNote(event) {
  event.preventDefault();
  const form = $('note-form');
  const task = state.task;
  if (!task) return;
  clearProblem(form);
  const text = $('note-text').value.trim();
  if (!text) {
    fieldError(form, 'text', t('common.required'));
    return;
  }
  try {
    await api('POST', `/api/v1/callbacks/${task.id}/notes`, { text });
    $('note-text').value = '';
    toast(t('agent.noteAdded'), 'ok');
    await loadTask(task.id);
  } catch (e) {
    showProblem(form, e);
  }
}

async function loadHistory(clientId, force) {
  if (!clientId || (!force && state.historyClient === clientId)) return;
  state.historyClient = clientId;
  const box = $('history');
  box.replaceChildren(el('p', { class: 'empty' }, t('common.loading')));
  try {
    const h = await api('GET', `/api/v1/clients/${encodeURIComponent(clientId)}/history`);
    if (state.historyClient !== clientId) return;
    state.history = h;
    renderHistory();
  } catch (e) {
    box.replaceChildren(el('p', { class: 'form-error' }, e.message));
  }
}

function renderHistory() {
  const h = state.history;
  const box = $('history');
  if (!h || h.clientId !== state.historyClient) return;
  const section = (title, items, render, testid) => [
    el('h3', {}, `${t(title)} (${items.length})`),
    items.length ? el('ul', { class: 'history-list', 'data-testid': testid }, items.map(render))
      : el('p', { class: 'empty' }, t('agent.noHistory')),
  ];
  box.replaceChildren(
    ...section('agent.notices', h.notices || [], (n) => el('li', {},
      el('span', { class: `badge ${n.status}` }, label('noticeStatus', n.status)), ' ',
      label('noticeType', n.type), ' · ', fmtDateTime(n.createdAt),
      n.acknowledgedAt ? el('div', { class: 'muted' }, t('agent.acknowledgedAt', fmtDateTime(n.acknowledgedAt)),
        n.ackChannel ? ` · ${label('channel', n.ackChannel)}` : '') : null), 'history-notices'),
    ...section('agent.calls', h.calls || [], (c) => el('li', {},
      fmtDateTime(c.startedAt), ' · ', c.agentId || '', ' · ', label('callState', c.outcome) || c.outcome || '',
      c.disposition ? ` · ${label('disposition', c.disposition)}` : '',
      c.answeredAt && c.endedAt ? ` · ${fmtDuration((new Date(c.endedAt) - new Date(c.answeredAt)) / 1000)}` : '',
      c.recording && c.recording.state ? el('span', { class: `badge ${c.recording.state}`, style: 'margin-left:4px' },
        label('recordingState', c.recording.state)) : null), 'history-calls'),
    ...section('agent.tasks', h.tasks || [], (k) => el('li', {},
      el('span', { class: `badge ${k.state}` }, label('taskState', k.state)), ' ', label('taskType', k.type),
      ' · ', fmtDateTime(k.dueBy), k.disposition ? ` · ${label('disposition', k.disposition)}` : ''), 'history-tasks'),
  );
}

// ------------------------------------------------------------------ notifications

function notify(text) {
  state.notifications.unshift({ at: new Date().toISOString(), text });
  state.notifications.length = Math.min(state.notifications.length, 30);
  renderNotifications();
  toast(text);
}

function renderNotifications() {
  $('notifications').replaceChildren(...state.notifications.map((n) => el('li', { 'data-testid': 'notification' },
    el('time', { datetime: n.at }, fmtTime(n.at)), n.text)));
  $('notifications-empty').hidden = state.notifications.length > 0;
}

// ------------------------------------------------------------------ wiring

function wireActions() {
  $('set-available').addEventListener('click', () => setState('AVAILABLE'));
  $('set-paused').addEventListener('click', () => setState('PAUSED'));
  $('set-offline').addEventListener('click', () => setState('OFFLINE'));
  $('take-next').addEventListener('click', takeNext);
  $('dial').addEventListener('click', dial);
  $('hangup').addEventListener('click', hangup);
  $('disposition').addEventListener('change', toggleCallBackAt);
  $('disposition-form').addEventListener('submit', saveDisposition);
  $('note-form').addEventListener('submit', addNote);
}

function renderAll() {
  applyI18n();
  renderAgent();
  renderQueue();
  renderTask();
  renderHistory();
  renderNotifications();
}

main();

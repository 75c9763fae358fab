// Shared by both consoles: the API client (session cookie + CSRF header, RFC 9457 problems), i18n, formatting in
// Asia/Shanghai, field errors next to the named field, and the one-second ticker for local timers.
import { TEXT } from './i18n.js';

export const ZONE = 'Asia/Shanghai';
const LANG_KEY = 'ackline.console.lang';

export const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ i18n

let lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
const languageListeners = [];

export function currentLang() {
  return lang;
}

/** The text for a key ('a.b.c' walks nested objects), with {0}, {1} … filled in; the key itself when missing. */
export function t(key, ...args) {
  const pick = (dict) => key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), dict);
  let text = pick(TEXT[lang]);
  if (text === undefined) text = pick(TEXT.zh);
  if (text === undefined) return key;
  return String(text).replace(/\{(\d+)\}/g, (m, i) => (args[i] === undefined || args[i] === null ? '' : args[i]));
}

/** An enum value's label ('agentState', 'AVAILABLE'), or the raw value when the dictionary has none. */
export function label(group, value) {
  if (value === undefined || value === null || value === '') return '';
  const text = t(`${group}.${value}`);
  return text === `${group}.${value}` ? String(value) : text;
}

/** Fills every data-i18n / data-i18n-placeholder / data-i18n-aria-label / data-i18n-title under root. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  root.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  root.querySelectorAll('[data-i18n-aria-label]').forEach((e) => { e.setAttribute('aria-label', t(e.dataset.i18nAriaLabel)); });
  root.querySelectorAll('[data-i18n-title]').forEach((e) => { e.title = t(e.dataset.i18nTitle); });
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem(LANG_KEY, lang);
  applyI18n();
  languageListeners.forEach((f) => f(lang));
}

export function onLanguageChange(listener) {
  languageListeners.push(listener);
}

// ------------------------------------------------------------------ API

let csrf = null;

/** An error answer: the HTTP status and the RFC 9457 problem (with field and errors when the API names them). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** Who am I (GET /api/v1/me): name, roles and the CSRF token every POST/PUT/DELETE and the STOMP CONNECT carry. */
export async function loadMe() {
  const me = await api('GET', '/api/v1/me');
  csrf = me.csrf || null;
  return me;
}

export function csrfHeaders() {
  return csrf ? { [csrf.headerName]: csrf.token } : {};
}

export function hasRole(me, ...roles) {
  return (me.roles || []).some((r) => roles.includes(r));
}

/** A JSON call to the API; throws ApiError with the problem details on an error answer. */
export async function api(method, url, body) {
  const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': lang === 'en' ? 'en' : 'zh-CN' };
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, csrfHeaders());
  const init = { method, headers, credentials: 'same-origin', redirect: 'manual' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (response.type === 'opaqueredirect' || response.status === 401) {
    // the session ended: sign in again, then come back here
    window.location.assign(window.location.pathname);
    throw new ApiError(401, { title: t('common.signedOut') });
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch (e) { json = { detail: text }; }
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// ------------------------------------------------------------------ field errors

/**
 * Shows a problem's errors next to the fields they name: an element with data-error-for="<field>" gets the message,
 * the control with name="<field>" (or data-field) gets aria-invalid. What names no shown field goes to the form's
 * [data-role=form-error]. Returns the number of errors shown next to a field.
 */
export function showProblem(form, error) {
  clearProblem(form);
  const problem = error instanceof ApiError ? error.problem : { detail: String(error && error.message || error) };
  const errors = Array.isArray(problem.errors) && problem.errors.length ? problem.errors
    : problem.field ? [{ field: problem.field, message: problem.detail }] : [];
  let placed = 0;
  const rest = [];
  for (const e of errors) {
    const slot = e.field && form.querySelector(`[data-error-for="${cssEscape(e.field)}"]`);
    if (slot) {
      slot.textContent = e.message || problem.detail || '';
      slot.hidden = false;
      const control = form.querySelector(`[name="${cssEscape(e.field)}"], [data-field="${cssEscape(e.field)}"]`);
      if (control) control.setAttribute('aria-invalid', 'true');
      placed++;
    } else {
      rest.push(e.field ? `${e.field}: ${e.message}` : e.message);
    }
  }
  if (!errors.length) rest.push(problem.detail || problem.title || (error && error.message) || t('common.failed'));
  const general = form.querySelector('[data-role=form-error]');
  if (general && rest.length) {
    general.textContent = rest.join('；');
    general.hidden = false;
  }
  return placed;
}

export function clearProblem(form) {
  form.querySelectorAll('[data-error-for]').forEach((e) => { e.textContent = ''; e.hidden = true; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const general = form.querySelector('[data-role=form-error]');
  if (general) { general.textContent = ''; general.hidden = true; }
}

/** Marks one field invalid with a message of ours (checks the page makes before asking the server). */
export function fieldError(form, field, message) {
  const slot = form.querySelector(`[data-error-for="${cssEscape(field)}"]`);
  if (slot) { slot.textContent = message; slot.hidden = false; }
  const control = form.querySelector(`[name="${cssEscape(field)}"], [data-field="${cssEscape(field)}"]`);
  if (control) control.setAttribute('aria-invalid', 'true');
}

function cssEscape(s) {
  return window.CSS && CSS.escape ? CSS.escape(s) : String(s).replace(/["\\]/g, '\\$&');
}

// ------------------------------------------------------------------ DOM and formatting

/** Builds an element: el('td', {class: 'x', dataset: {id}}, 'text', child…). Text is never parsed as HTML. */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const timeFormat = () => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN',
  { timeZone: ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = () => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN',
  { timeZone: ZONE, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

export function fmtTime(iso) {
  return iso ? timeFormat().format(new Date(iso)) : '';
}

export function fmtDateTime(iso) {
  return iso ? dateTimeFormat().format(new Date(iso)) : '';
}

/** 75 → "01:15", 3700 → "1:01:40"; negative durations get a minus sign. */
export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '';
  const sign = seconds < 0 ? '-' : '';
  let s = Math.floor(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h ? `${sign}${h}:${mm}:${ss}` : `${sign}${mm}:${ss}`;
}

/** Time left until a due time, as "2天3时" / "2d 3h", "45分" / "45m" or "逾期 …" / "overdue …". */
export function fmtTimeLeft(iso, now = Date.now()) {
  if (!iso) return '';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const d = Math.floor(abs / 86400);
  const h = Math.floor((abs % 86400) / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const text = d ? t('time.dh', d, h) : h ? t('time.hm', h, m) : t('time.m', Math.max(m, abs > 0 ? 1 : 0));
  return seconds < 0 ? t('time.overdue', text) : text;
}

/**
 * One local clock for the page (display only, no server calls): every second it refreshes elements with
 * data-since (elapsed since an instant), data-until (countdown to an instant) and data-due (time left).
 */
export function startTicker(extra) {
  const tick = () => {
    const now = Date.now();
    document.querySelectorAll('[data-since]').forEach((e) => {
      if (e.dataset.since) e.textContent = fmtDuration((now - new Date(e.dataset.since).getTime()) / 1000);
    });
    document.querySelectorAll('[data-until]').forEach((e) => {
      if (e.dataset.until) e.textContent = fmtDuration(Math.max(0, (new Date(e.dataset.until).getTime() - now) / 1000));
    });
    document.querySelectorAll('[data-due]').forEach((e) => {
      if (!e.dataset.due) return;
      e.textContent = fmtTimeLeft(e.dataset.due, now);
      e.classList.toggle('overdue', new Date(e.dataset.due).getTime() < now);
    });
    if (extra) extra(now);
  };
  tick();
  return setInterval(tick, 1000);
}

// ------------------------------------------------------------------ page chrome

/** The top bar's shared parts: user name, language switch, sign-out (a POST with the CSRF token). */
export function initChrome(me) {
  const user = $('user-name');
  if (user) user.textContent = me.displayName || me.username;
  const switcher = $('lang-switch');
  if (switcher) switcher.addEventListener('click', () => setLang(lang === 'en' ? 'zh' : 'en'));
  const signOut = $('sign-out');
  if (signOut) {
    signOut.addEventListener('submit', () => {
      const token = signOut.querySelector('input[name=_csrf]');
      if (token && me.csrf) { token.name = me.csrf.parameterName; token.value = me.csrf.token; }
    });
  }
  applyI18n();
}

/** The live indicator in the top bar: connecting, live, reconnecting. */
export function showLiveStatus(status) {
  const e = $('live-status');
  if (!e) return;
  e.dataset.status = status;
  e.dataset.i18n = `live.${status}`;
  e.textContent = t(`live.${status}`);
}

/** A short message in the page's toast area (role=status), gone after a while. */
export function toast(message, kind = 'info') {
  const area = $('toasts');
  if (!area) return;
  const item = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  area.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 10000 : 5000);
}

// Client-phone simulator: a developer tool of the local run. Plain fetch() polling is enough here.
(function () {
  'use strict';

  const TEXT = {
    'zh-CN': {
      title: '客户手机模拟器', otherLanguage: 'English', open: '打开', openPlaceholder: '手机号 (+86…) 或邮箱',
      smsClients: '短信', mailClients: '邮件',
      noClients: '还没有客户收到通知或来电。通过 API 发一条通知或拨一个回访后，客户会出现在这里。',
      pickClient: '选择左侧的客户', pickClientHint: '左侧列出收到过短信、邮件或来电的号码和邮箱。',
      back: '‹ 返回', send: '发送', typeSms: '输入短信…', typeMail: '输入回复内容（原邮件会按所选格式引用在下面）…',
      quoteStyle: '引用格式', noQuote: '不引用', appAnswers: '应用的应答',
      appAnswersHint: '短信回复以带签名的 Twilio 入站 webhook 发给应用；邮件回复经 SMTP 发给通知邮箱，由应用通过 IMAP 读取。',
      app: '应用', fromNumber: '短信发件号', notices: '通知邮箱', twilio: 'Twilio 模拟器',
      noSms: '这个号码还没有短信。', noMail: '这个邮箱还没有邮件。', inbox: '收件箱',
      from: '发件人', to: '收件人', date: '时间', subject: '主题', messageId: 'Message-ID',
      ackLink: '打开确认页', sentByClient: '客户已发送', question: '提问',
      questionText: '请问需要追加多少保证金？最晚什么时候？',
      smsReply: '短信回复', mailReply: '邮件回复', postedTo: '发往', signedOver: '签名 URL', failed: '失败',
      errorCode: '错误码', noSubject: '（无主题）',
      callAgent: '坐席来电', callIvr: '语音通知（IVR）', answer: '接听', reject: '拒接', hangup: '挂断',
      keysPressed: '已按键', recentCalls: '最近通话', callsOnly: '只有来电', call: '通话', noKeys: '无',
      keypadHint: '听到“请按1确认”时按 1；通知播放时按的键会被忽略，和真实的 Asterisk 一样。',
      ami: 'AMI（模拟 PBX）', answerByHand: '手动接听',
      byHandHint: '来电一直响铃，直到在这里接听或拒接（或对方放弃）。',
      autoHint: (seconds) => `没有脚本的号码约 ${seconds} 秒后自动接听；勾选后由你在这里接听。`,
      callState: { RINGING: '来电响铃中', UP: '通话中', ENDED: '已结束' },
      callActions: { answer: '接听', reject: '拒接', hangup: '挂断', keys: '按键' },
      status: { queued: '排队中', accepted: '已接受', sending: '发送中', sent: '已发出', delivered: '已送达',
        undelivered: '未送达', failed: '发送失败', received: '已发送' }
    },
    en: {
      title: 'Client phone simulator', otherLanguage: '中文', open: 'Open', openPlaceholder: 'Phone (+86…) or email',
      smsClients: 'SMS', mailClients: 'Email',
      noClients: 'No client has received a notice or a call yet. Send a notice or dial a call-back through the API and it shows up here.',
      pickClient: 'Pick a client on the left', pickClientHint: 'The numbers and mailboxes that received SMS, email or calls are listed on the left.',
      back: '‹ Back', send: 'Send', typeSms: 'Type an SMS…', typeMail: 'Type the reply (the notice is quoted below it in the chosen style)…',
      quoteStyle: 'Quote style', noQuote: 'No quote', appAnswers: "The app's answers",
      appAnswersHint: 'SMS replies go to the app as signed Twilio inbound webhooks; email replies go over SMTP to the notices mailbox, which the app reads over IMAP.',
      app: 'App', fromNumber: 'SMS sender', notices: 'Notices mailbox', twilio: 'Twilio simulator',
      noSms: 'No SMS for this number yet.', noMail: 'No email for this mailbox yet.', inbox: 'Inbox',
      from: 'From', to: 'To', date: 'Date', subject: 'Subject', messageId: 'Message-ID',
      ackLink: 'Open acknowledgement page', sentByClient: 'sent by the client', question: 'Question',
      questionText: 'How much margin do I need to add, and by when?',
      smsReply: 'SMS reply', mailReply: 'Email reply', postedTo: 'Posted to', signedOver: 'Signed over', failed: 'failed',
      errorCode: 'error', noSubject: '(no subject)',
      callAgent: 'Call from an agent', callIvr: 'Automated notice call (IVR)', answer: 'Answer', reject: 'Reject',
      hangup: 'Hang up', keysPressed: 'Keys pressed', recentCalls: 'Recent calls', callsOnly: 'calls only', call: 'Call',
      noKeys: 'none',
      keypadHint: 'Press 1 when asked to confirm; keys pressed while the notice plays are ignored, as on a real Asterisk.',
      ami: 'AMI (simulated PBX)', answerByHand: 'Answer by hand',
      byHandHint: 'Calls ring until you answer or reject them here (or the caller gives up).',
      autoHint: (seconds) => `Numbers with no script answer by themselves after about ${seconds} s; tick to answer them here.`,
      callState: { RINGING: 'Ringing', UP: 'On the call', ENDED: 'Ended' },
      callActions: { answer: 'Answer', reject: 'Reject', hangup: 'Hang up', keys: 'Keys' },
      status: { queued: 'queued', accepted: 'accepted', sending: 'sending', sent: 'sent', delivered: 'delivered',
        undelivered: 'undelivered', failed: 'failed', received: 'sent' }
    }
  };

  const QUICK_REPLIES = ['收到', '1', '确认', 'Y', 'STOP', '退订'];
  const state = {
    lang: ['zh-CN', 'en'].find((l) => l === new URLSearchParams(location.search).get('lang'))
      || localStorage.getItem('ackline.simulator.lang') || 'zh-CN',
    selected: null,          // { kind: 'sms' | 'email', address }
    openMail: null,          // Message-ID of the email shown in full
    info: null,
    lastRendered: '',
    lastCalls: '',
    answering: null,         // { byHand, autoAnswerAfterMillis }
    activeCall: null         // the selected number's call that rings or is up
  };

  const $ = (id) => document.getElementById(id);
  const t = (key) => TEXT[state.lang][key] ?? key;

  function escapeHtml(value) {
    return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }

  // Escape first, then turn URLs into links, so message content can never inject markup.
  function linkify(text) {
    return escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) =>
      `<a href="${url}" target="_blank" rel="noopener">${url}</a>`);
  }

  function ackButtons(links) {
    return (links || []).map((link) =>
      `<a class="ack-button" href="${escapeHtml(link)}" target="_blank" rel="noopener">${escapeHtml(t('ackLink'))} ↗</a>`).join(' ');
  }

  function sender(mail) {
    return mail.fromName ? `${mail.fromName} <${mail.from}>` : mail.from;
  }

  function when(instant) {
    if (!instant) return '';
    return new Date(instant).toLocaleString(state.lang, { timeZone: 'Asia/Shanghai', hour12: false });
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    return response.json();
  }

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body)
    });
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(payload.detail || `${response.status}`);
    return payload;
  }

  // ------------------------------------------------------------------ language

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = `Ackline · ${t('title')}`;
    document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    $('message').placeholder = t(state.selected && state.selected.kind === 'email' ? 'typeMail' : 'typeSms');
    renderInfo();
    renderAnswering();
    renderQuickReplies();
    state.lastRendered = '';
    refresh();
  }

  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'zh-CN' ? 'en' : 'zh-CN';
    localStorage.setItem('ackline.simulator.lang', state.lang);
    applyLanguage();
  });

  // ------------------------------------------------------------------ header

  function renderInfo() {
    const info = state.info;
    if (!info) return;
    $('info').innerHTML = [
      [t('app'), `<a href="${escapeHtml(info.appUrl)}" target="_blank" rel="noopener">${escapeHtml(info.appUrl)}</a>`],
      [t('fromNumber'), `<code>${escapeHtml(info.fromNumber)}</code>`],
      [t('notices'), `<code>${escapeHtml(info.noticesAddress)}</code>`],
      [t('twilio'), `<code>${escapeHtml(info.twilioUrl)}</code>`],
      ['SMTP / IMAP', `<code>localhost:${info.smtpPort} / ${info.imapPort}</code>`],
      [t('ami'), `<code>127.0.0.1:${info.amiPort}</code> (${escapeHtml(info.amiUser)})`]
    ].map(([label, value]) => `<span>${escapeHtml(label)}: ${value}</span>`).join('');
  }

  // ------------------------------------------------------------------ clients

  async function refreshClients() {
    const clients = await getJson('/simulator/api/clients');
    // a phone that starts ringing while no client is open opens itself, as a phone's screen lights up
    const ringing = clients.find((c) => c.call === 'RINGING');
    if (!state.selected && ringing) select('sms', ringing.address);
    const render = (kind) => clients.filter((c) => c.kind === kind).map((c) => {
      const selected = state.selected && state.selected.kind === kind && state.selected.address === c.address;
      const classes = [selected ? 'selected' : '', c.call === 'RINGING' ? 'ringing' : ''].join(' ');
      const last = c.call ? `<span class="on-call">☎ ${escapeHtml(TEXT[state.lang].callState[c.call])}</span>`
        : escapeHtml(c.last ?? t('callsOnly'));
      return `<li class="${classes}" data-kind="${kind}" data-address="${escapeHtml(c.address)}">
        <span class="address">${escapeHtml(c.address)}</span><span class="count ${c.count ? '' : 'none'}">${c.count}</span>
        <span class="last">${last}</span></li>`;
    }).join('');
    $('sms-clients').innerHTML = render('sms');
    $('mail-clients').innerHTML = render('email');
    $('no-clients').hidden = clients.length > 0;
  }

  function onClientClick(event) {
    const item = event.target.closest('li[data-address]');
    if (item) select(item.dataset.kind, item.dataset.address);
  }
  $('sms-clients').addEventListener('click', onClientClick);
  $('mail-clients').addEventListener('click', onClientClick);

  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const address = $('open-address').value.trim();
    if (!address) return;
    select(address.includes('@') ? 'email' : 'sms', address.includes('@') ? address.toLowerCase() : address.replace(/[\s-]/g, ''));
    $('open-address').value = '';
  });

  function select(kind, address) {
    state.selected = { kind, address };
    updateHash();
    state.openMail = null;
    state.lastRendered = '';
    state.lastCalls = '';
    state.activeCall = null;
    $('call').hidden = true;
    $('recent-calls').hidden = true;
    $('composer').hidden = kind !== 'sms';
    $('mail-options').hidden = kind !== 'email';
    $('message').placeholder = t(kind === 'sms' ? 'typeSms' : 'typeMail');
    refresh();
  }

  // ------------------------------------------------------------------ calls

  function renderAnswering() {
    const answering = state.answering;
    if (!answering) return;
    $('answer-by-hand').checked = answering.byHand;
    $('answering-hint').textContent = answering.byHand ? t('byHandHint')
      : TEXT[state.lang].autoHint(answering.autoAnswerAfterMillis / 1000);
  }

  $('answer-by-hand').addEventListener('change', async (event) => {
    try {
      const response = await fetch('/simulator/api/answering', {
        method: 'PUT', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ byHand: event.target.checked })
      });
      if (!response.ok) throw new Error(`${response.status}`);
      state.answering = await response.json();
    } catch (error) {
      console.warn('answering mode not changed', error);
    }
    renderAnswering();
  });

  function callKind(call) {
    return t(call.kind === 'IVR' ? 'callIvr' : 'callAgent');
  }

  function elapsed(since) {
    const seconds = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
    return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
  }

  async function refreshCalls(number) {
    const calls = await getJson(`/simulator/api/calls/${encodeURIComponent(number)}`);
    const active = calls.find((c) => c.state !== 'ENDED') || null;
    state.activeCall = active;
    if (active) $('call-timer').textContent = elapsed(active.since);
    const fingerprint = JSON.stringify([state.lang, calls]);
    if (fingerprint === state.lastCalls) return;
    state.lastCalls = fingerprint;
    $('call').hidden = !active;
    if (active) {
      const ringing = active.state === 'RINGING';
      $('call').classList.toggle('ringing', ringing);
      $('call-kind').textContent = callKind(active);
      $('call-state').textContent = TEXT[state.lang].callState[active.state];
      $('call-digits').textContent = active.digits || t('noKeys');
      $('call-answer').hidden = !ringing;
      $('call-reject').hidden = !ringing;
      $('call-hangup').hidden = ringing;
      $('keypad').hidden = ringing;
      $('keypad-hint').hidden = ringing || active.kind !== 'IVR';
    }
    const ended = calls.filter((c) => c.state === 'ENDED');
    $('recent-calls').hidden = ended.length === 0;
    $('recent-count').textContent = ended.length;
    $('recent-call-list').innerHTML = ended.map((c) => `<li>${escapeHtml(callKind(c))} · ${escapeHtml(when(c.since))}
      · ${escapeHtml(t('keysPressed'))}: <code>${escapeHtml(c.digits || t('noKeys'))}</code></li>`).join('');
  }

  async function callAction(action, body) {
    const selected = state.selected;
    if (!selected || selected.kind !== 'sms') return;
    const label = `${t('call')} · ${TEXT[state.lang].callActions[action]}${body && body.digits ? ' ' + body.digits : ''}`;
    try {
      await postJson(`/simulator/api/calls/${encodeURIComponent(selected.address)}/${action}`, body || {});
      $('call-error').textContent = '';
      addAnswer(label, selected.address, '', 'HTTP 202', [], '');
    } catch (error) {
      $('call-error').textContent = error.message;
      addAnswer(label, selected.address, '', t('failed'), [], error.message);
    }
    state.lastCalls = '';
    refresh();
  }

  $('call').addEventListener('click', (event) => {
    const action = event.target.closest('button[data-action]');
    if (action) { callAction(action.dataset.action); return; }
    const key = event.target.closest('button[data-key]');
    if (key) callAction('keys', { digits: key.dataset.key });
  });

  // the computer's keyboard is a keypad too while a call is up (but not while typing an SMS)
  document.addEventListener('keydown', (event) => {
    const call = state.activeCall;
    if (!call || call.state !== 'UP' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest('input, textarea, select')) return;
    if (/^[0-9*#]$/.test(event.key)) { event.preventDefault(); callAction('keys', { digits: event.key }); }
  });

  // ------------------------------------------------------------------ SMS thread

  async function refreshSms(number) {
    const messages = await getJson(`/simulator/api/sms/${encodeURIComponent(number)}`);
    const fingerprint = JSON.stringify([state.lang, messages]);
    if (fingerprint === state.lastRendered) return;
    state.lastRendered = fingerprint;
    $('phone-title').textContent = number;
    $('back').hidden = true;
    const screen = $('screen');
    const atBottom = screen.scrollHeight - screen.scrollTop - screen.clientHeight < 40;
    screen.innerHTML = messages.length === 0 ? `<p class="hint center">${escapeHtml(t('noSms'))}</p>` : messages.map((m) => {
      const status = TEXT[state.lang].status[m.status] || m.status;
      const bad = m.status === 'failed' || m.status === 'undelivered';
      const code = m.errorCode ? ` · ${escapeHtml(t('errorCode'))} ${m.errorCode}` : '';
      return `<div class="bubble-row ${m.direction}"><div class="bubble"><div class="text">${linkify(m.body)}</div>
        ${ackButtons(m.direction === 'received' ? m.links : [])}
        <span class="meta">${escapeHtml(when(m.at))} · <span class="${bad ? 'bad' : ''}">${escapeHtml(status)}${code}</span>
        · ${escapeHtml(m.from)}</span></div></div>`;
    }).join('');
    if (atBottom || state.scrollToEnd) { screen.scrollTop = screen.scrollHeight; state.scrollToEnd = false; }
  }

  // ------------------------------------------------------------------ mailbox

  async function refreshMail(address) {
    const mails = await getJson(`/simulator/api/mail/${encodeURIComponent(address)}`);
    const fingerprint = JSON.stringify([state.lang, state.openMail, mails]);
    if (fingerprint === state.lastRendered) return;
    state.lastRendered = fingerprint;
    const open = mails.find((m) => m.messageId === state.openMail);
    $('back').hidden = !open;
    $('composer').hidden = !(open && open.direction === 'received');
    if (!open) {
      $('phone-title').textContent = `${t('inbox')} · ${address}`;
      $('screen').innerHTML = mails.length === 0 ? `<p class="hint center">${escapeHtml(t('noMail'))}</p>`
        : mails.slice().reverse().map((m) => `<div class="mail-item ${m.direction}" data-id="${escapeHtml(m.messageId)}">
            <div class="subject">${escapeHtml(m.subject || t('noSubject'))}</div>
            <div class="from">${escapeHtml(m.direction === 'sent' ? `${t('to')}: ${m.to.join(', ')}` : `${t('from')}: ${sender(m)}`)}</div>
            <div class="when">${escapeHtml(when(m.date))}${m.direction === 'sent' ? ' · ' + escapeHtml(t('sentByClient')) : ''}</div>
          </div>`).join('');
      return;
    }
    $('phone-title').textContent = open.subject || t('noSubject');
    $('screen').innerHTML = `<div class="mail-head">
        <div class="subject">${escapeHtml(open.subject || t('noSubject'))}</div>
        <div>${escapeHtml(t('from'))}: ${escapeHtml(sender(open))}</div>
        <div>${escapeHtml(t('to'))}: ${escapeHtml(open.to.join(', '))}</div>
        <div>${escapeHtml(t('date'))}: ${escapeHtml(when(open.date))}</div>
        <div>${escapeHtml(t('messageId'))}: <code>${escapeHtml(open.messageId)}</code></div>
      </div>
      <div class="mail-body">${linkify(open.text)}</div>
      <p>${ackButtons(open.direction === 'received' ? open.links : [])}</p>`;
  }

  function updateHash() {
    const { kind, address } = state.selected;
    const mail = state.openMail ? `:${encodeURIComponent(state.openMail)}` : '';
    history.replaceState(null, '', `#${kind}:${encodeURIComponent(address)}${mail}`);
  }

  $('screen').addEventListener('click', (event) => {
    const item = event.target.closest('.mail-item[data-id]');
    if (!item) return;
    state.openMail = item.dataset.id;
    updateHash();
    state.lastRendered = '';
    refresh();
  });

  $('back').addEventListener('click', () => {
    state.openMail = null;
    updateHash();
    state.lastRendered = '';
    $('composer').hidden = true;
    refresh();
  });

  // ------------------------------------------------------------------ replies

  function renderQuickReplies() {
    const buttons = QUICK_REPLIES.map((text) => ({ label: text, text }));
    buttons.push({ label: t('question'), text: t('questionText') });
    $('quick').innerHTML = buttons.map((b) =>
      `<button type="button" data-text="${escapeHtml(b.text)}">${escapeHtml(b.label)}</button>`).join('');
  }

  $('quick').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-text]');
    if (!button) return;
    const text = button.dataset.text;
    // a question is edited before sending; the short answers go at once, as a client would tap them
    if (text === t('questionText')) { $('message').value = text; $('message').focus(); return; }
    send(text);
  });

  $('send-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('message').value;
    if (text.trim()) send(text);
  });

  $('message').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $('send-form').requestSubmit();
    }
  });

  async function send(text) {
    const selected = state.selected;
    if (!selected) return;
    $('send').disabled = true;
    try {
      if (selected.kind === 'sms') {
        const result = await postJson(`/simulator/api/sms/${encodeURIComponent(selected.address)}/replies`, { body: text });
        addAnswer(t('smsReply'), selected.address, text, result.status, [
          `${t('postedTo')}: ${result.postedTo}`, `${t('signedOver')}: ${result.signedUrl}`, `MessageSid: ${result.messageSid}`,
          result.contentType ? `Content-Type: ${result.contentType}` : ''
        ], result.body);
      } else {
        const result = await postJson(`/simulator/api/mail/${encodeURIComponent(selected.address)}/replies`, {
          inReplyTo: state.openMail, body: text, quoteStyle: $('quote-style').value
        });
        addAnswer(t('mailReply'), selected.address, text, 'SMTP 250', [
          `${t('subject')}: ${result.subject}`, `${t('to')}: ${result.to.join(', ')}`, `Message-ID: ${result.messageId}`,
          `In-Reply-To: ${state.openMail}`
        ], '');
      }
      $('message').value = '';
      state.scrollToEnd = true;
      state.lastRendered = '';
      refresh();
    } catch (error) {
      addAnswer(selected.kind === 'sms' ? t('smsReply') : t('mailReply'), selected.address, text, t('failed'), [], error.message);
    } finally {
      $('send').disabled = false;
    }
  }

  function addAnswer(kind, address, text, status, lines, body) {
    const ok = typeof status === 'number' ? status < 300 : status !== t('failed');
    const item = document.createElement('li');
    item.innerHTML = `<div><span class="status ${ok ? 'ok' : 'err'}">${escapeHtml(typeof status === 'number' ? 'HTTP ' + status : status)}</span>
      · ${escapeHtml(kind)} · ${escapeHtml(address)} · ${escapeHtml(new Date().toLocaleTimeString(state.lang, { hour12: false }))}</div>
      ${text ? `<div>“${escapeHtml(text.length > 80 ? text.slice(0, 80) + '…' : text)}”</div>` : ''}
      ${lines.filter(Boolean).map((line) => `<div>${escapeHtml(line)}</div>`).join('')}
      ${body ? `<pre>${escapeHtml(body)}</pre>` : ''}`;
    $('answers').prepend(item);
  }

  // ------------------------------------------------------------------ polling

  let refreshing = false;
  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      await refreshClients();
      if (state.selected && state.selected.kind === 'sms') {
        await refreshCalls(state.selected.address);
        await refreshSms(state.selected.address);
      }
      if (state.selected && state.selected.kind === 'email') await refreshMail(state.selected.address);
    } catch (error) {
      console.warn('simulator refresh failed', error);
    } finally {
      refreshing = false;
    }
  }

  function tick() {
    $('clock').textContent = new Date().toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
  }

  // links such as /simulator#sms:%2B8613800138000 or /simulator#email:client%40example.com[:<Message-ID>] open a client
  const deepLink = /^#(sms|email):([^:]+)(?::(.+))?$/.exec(location.hash);
  if (deepLink) {
    select(deepLink[1], decodeURIComponent(deepLink[2]));
    if (deepLink[3]) { state.openMail = decodeURIComponent(deepLink[3]); updateHash(); }
  }

  getJson('/simulator/api/info').then((info) => { state.info = info; renderInfo(); }).catch(() => {});
  getJson('/simulator/api/answering').then((answering) => { state.answering = answering; renderAnswering(); }).catch(() => {});
  applyLanguage();
  tick();
  setInterval(tick, 10000);
  // once a second: a phone that starts ringing shows within a second, and the call's timer ticks
  setInterval(refresh, 1000);
})();

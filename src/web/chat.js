/*
 * The web chat page's script, served as /web/chat.js (the page's Content-Security-Policy allows no
 * inline script). The session is an HttpOnly cookie the server sets; this script never sees it.
 * The visible history is kept for this tab only (sessionStorage): it holds what the person typed,
 * phone numbers included, and must not outlive the tab on a shared computer.
 */
(function () {
  'use strict';

  var API_URL = '/api/chat';
  var OLD_SID_KEY = 'patent-bridge.sessionId';
  var HISTORY_KEY = 'patent-bridge.history';
  var HISTORY_MAX = 80;
  var MAX_LEN = 4000;
  var TIMEOUT_MS = 30000;
  var NETWORK_FAIL = '连接失败，请稍后重试 / Connection failed, please retry';
  var EXAMPLES = ['湖北 锂电池 专利', 'lithium battery patents in Hubei', '帮助', 'Help'];

  var log = document.getElementById('log');
  var form = document.getElementById('form');
  var input = document.getElementById('input');
  var sendBtn = document.getElementById('send');
  var typing = document.getElementById('typing');
  var counter = document.getElementById('counter');
  var cutNote = document.getElementById('cut');
  var newChatBtn = document.getElementById('new-chat');

  var busy = false;
  var retries = {};
  var retrySeq = 0;
  var reduceMotion = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var finePointer = window.matchMedia && window.matchMedia('(pointer: fine)').matches;

  /* ---------- storage for this tab (may be unavailable, e.g. private mode) ---------- */

  function load(key) {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }
  function save(key, value) {
    try {
      if (value === null) window.sessionStorage.removeItem(key);
      else window.sessionStorage.setItem(key, value);
    } catch (e) { /* storage full or disabled: keep working without it */ }
  }
  // Earlier versions kept the history and a session id in localStorage: remove them.
  try {
    window.localStorage.removeItem(HISTORY_KEY);
    window.localStorage.removeItem(OLD_SID_KEY);
  } catch (e) { /* storage disabled */ }

  var history = [];

  function readHistory() {
    try {
      var parsed = JSON.parse(load(HISTORY_KEY) || '[]');
      return Array.isArray(parsed) ? parsed : [];
    } catch (e) { return []; }
  }
  function remember(entry) {
    history.push(entry);
    if (history.length > HISTORY_MAX) history = history.slice(-HISTORY_MAX);
    save(HISTORY_KEY, JSON.stringify(history));
  }

  /* ---------- normalising server data (everything is plain text) ---------- */

  function str(v) { return typeof v === 'string' ? v : (v === null || v === undefined ? '' : String(v)); }

  function normButton(b) {
    if (!b || typeof b !== 'object' || typeof b.action !== 'string' || !b.action) return null;
    return { label: str(b.label) || b.action, action: b.action };
  }
  function normButtons(list) {
    return Array.isArray(list) ? list.map(normButton).filter(Boolean) : [];
  }
  function normItem(it) {
    if (!it || typeof it !== 'object') return null;
    return {
      title: str(it.title),
      lines: Array.isArray(it.lines) ? it.lines.map(str) : [],
      buttons: normButtons(it.buttons)
    };
  }
  function normLink(l) {
    if (!l || typeof l !== 'object' || typeof l.url !== 'string' || !/^https?:\/\//i.test(l.url)) return null;
    return { label: str(l.label) || l.url, url: l.url };
  }
  function normReply(r) {
    if (typeof r === 'string') return { text: r, items: [], buttons: [], link: null, emphasis: [] };
    if (!r || typeof r !== 'object') return null;
    return {
      text: str(r.text),
      link: normLink(r.link),
      emphasis: Array.isArray(r.emphasis) ? r.emphasis.map(str).filter(Boolean) : [],
      items: Array.isArray(r.items) ? r.items.map(normItem).filter(Boolean) : [],
      buttons: Array.isArray(r.buttons)
        ? r.buttons.map(normButtons).filter(function (row) { return row.length > 0; })
        : []
    };
  }

  /* ---------- rendering (textContent only) ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Text with its http(s) links as <a> (sources of policy answers); every piece goes in via textContent. */
  // Text with its http(s) addresses as links, appended to node; text nodes only (nothing is parsed as markup).
  function appendLinked(node, text) {
    var re = /https?:\/\/[^\s<>"'，。；）)】]+/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = el('a', 'link', m[0]);
      a.href = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer nofollow';
      node.appendChild(a);
      last = m.index + m[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
    return node;
  }

  function linked(tag, className, text) {
    return appendLinked(el(tag, className), text);
  }

  function message(kind, who) {
    var row = el('div', 'msg ' + kind);
    var bubble = el('div', 'bubble');
    bubble.appendChild(el('span', 'sr-only', who));
    row.appendChild(bubble);
    return { row: row, bubble: bubble };
  }

  function actionButton(b, small) {
    var btn = el('button', small ? 'btn sm' : 'btn', b.label);
    btn.type = 'button';
    btn.setAttribute('data-action', b.action);
    btn.disabled = busy;
    return btn;
  }

  function buttonRow(buttons, small) {
    var row = el('div', 'row');
    row.setAttribute('role', 'group');
    buttons.forEach(function (b) { row.appendChild(actionButton(b, small)); });
    return row;
  }

  function renderUser(text) {
    var m = message('user', '你说 You said: ');
    m.bubble.appendChild(el('p', 'text', text));
    log.appendChild(m.row);
    return m.row;
  }

  // The text with its emphasised parts (a confirmation code) in <mark> and its addresses as links; text nodes only.
  function textWithEmphasis(text, emphasis) {
    var p = el('p', 'text');
    var rest = text;
    while (rest) {
      var at = -1, hit = '';
      emphasis.forEach(function (e) {
        var i = rest.indexOf(e);
        if (i >= 0 && (at < 0 || i < at)) { at = i; hit = e; }
      });
      if (at < 0) { appendLinked(p, rest); break; }
      if (at > 0) appendLinked(p, rest.slice(0, at));
      p.appendChild(el('mark', 'code', hit));
      rest = rest.slice(at + hit.length);
    }
    return p;
  }

  function renderBot(reply) {
    var m = message('bot', '助手 Assistant: ');
    if (reply.text) m.bubble.appendChild(reply.emphasis && reply.emphasis.length ? textWithEmphasis(reply.text, reply.emphasis) : linked('p', 'text', reply.text));
    if (reply.items.length) {
      var list = el('ul', 'cards');
      reply.items.forEach(function (item) {
        var card = el('li', 'card');
        if (item.title) card.appendChild(el('p', 'card-title', item.title));
        item.lines.forEach(function (line) { card.appendChild(el('p', 'card-line', line)); });
        if (item.buttons.length) card.appendChild(buttonRow(item.buttons, true));
        list.appendChild(card);
      });
      m.bubble.appendChild(list);
    }
    reply.buttons.forEach(function (row) { m.bubble.appendChild(buttonRow(row, false)); });
    if (reply.link) {
      var linkRow = el('div', 'row');
      var a = el('a', 'btn link', reply.link.label);
      a.href = reply.link.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      linkRow.appendChild(a);
      m.bubble.appendChild(linkRow);
    }
    log.appendChild(m.row);
    return m.row;
  }

  function renderSystem(text, retryPayload) {
    var m = message('system', '系统 System: ');
    m.bubble.appendChild(el('p', 'text', text));
    if (retryPayload) {
      var id = String(++retrySeq);
      retries[id] = retryPayload;
      var row = el('div', 'row');
      var btn = el('button', 'btn sm', '重试 Retry');
      btn.type = 'button';
      btn.setAttribute('data-retry', id);
      btn.disabled = busy;
      row.appendChild(btn);
      m.bubble.appendChild(row);
    }
    log.appendChild(m.row);
    return m.row;
  }

  function renderWelcome() {
    var m = message('bot', '助手 Assistant: ');
    m.bubble.appendChild(el('p', 'text',
      '您好！我是专利转化服务平台的助手，可以帮您查找专利、对接技术成果。\n' +
      'Hello! I can help you find patents and explore technology transfer.\n' +
      '试试这些 / Try one of these:'));
    var row = el('div', 'row');
    row.setAttribute('role', 'group');
    EXAMPLES.forEach(function (example) {
      var chip = el('button', 'btn', example);
      chip.type = 'button';
      chip.setAttribute('data-example', example);
      row.appendChild(chip);
    });
    m.bubble.appendChild(row);
    log.appendChild(m.row);
  }

  function renderEntry(entry) {
    if (!entry || typeof entry !== 'object') return;
    if (entry.role === 'user' && typeof entry.text === 'string') renderUser(entry.text);
    else if (entry.role === 'system' && typeof entry.text === 'string') renderSystem(entry.text);
    else if (entry.role === 'bot') {
      var reply = normReply(entry.reply);
      if (reply) renderBot(reply);
    }
  }

  /* ---------- scrolling ---------- */

  function scrollToBottom() {
    window.scrollTo({ top: document.documentElement.scrollHeight, behavior: reduceMotion ? 'auto' : 'smooth' });
  }

  // Show the newest content; if it is taller than the screen, show its beginning instead.
  function reveal(firstNew) {
    if (!firstNew) { scrollToBottom(); return; }
    var composerHeight = form.parentNode.parentNode.offsetHeight;
    var visible = window.innerHeight - composerHeight - 24;
    var top = firstNew.getBoundingClientRect().top;
    var bottom = log.getBoundingClientRect().bottom;
    if (bottom - top > visible) {
      firstNew.scrollIntoView({ block: 'start', behavior: reduceMotion ? 'auto' : 'smooth' });
    } else {
      scrollToBottom();
    }
  }

  /* ---------- busy state ---------- */

  function setBusy(on) {
    busy = on;
    input.disabled = on;
    sendBtn.disabled = on;
    newChatBtn.disabled = on;
    typing.hidden = !on;
    log.setAttribute('aria-busy', on ? 'true' : 'false');
    var buttons = log.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
  }

  /* ---------- talking to the server ---------- */

  function errorText(status, data) {
    var e = data && typeof data === 'object' ? data.error : null;
    if (e && typeof e.message === 'string' && e.message.trim()) return e.message;
    if (status === 429) return '请求过于频繁，请稍后再试 / Too many requests, please wait a moment';
    if (status >= 500) return '服务暂时不可用，请稍后重试 / The service is temporarily unavailable, please retry later (' + status + ')';
    return '抱歉，请求未能完成 / Sorry, the request could not be completed (' + status + ')';
  }

  function newMessageId() {
    var a = new Uint8Array(12);
    (window.crypto || {}).getRandomValues ? window.crypto.getRandomValues(a) : a.forEach(function (_, i) { a[i] = Math.floor(Math.random() * 256); });
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // "Forget me" went through: nothing of this conversation stays on the page or in the browser.
  function clearConversation() {
    history = [];
    retries = {};
    save(HISTORY_KEY, null);
    log.textContent = '';
  }

  function send(payload, echo, fromInput) {
    if (busy) return;
    var firstNew = null;
    if (echo) {
      firstNew = renderUser(echo);
      remember({ role: 'user', text: echo });
    }
    setBusy(true);
    scrollToBottom();

    var body = {};
    if (payload.text !== undefined) body.text = payload.text;
    if (payload.action !== undefined) body.action = payload.action;
    // One id per send: if the browser repeats this request on its own, the server answers it once.
    body.messageId = newMessageId();

    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    var status = 0;

    fetch(API_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      status = res.status;
      return res.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        return { ok: res.ok, data: data };
      });
    }).then(function (result) {
      var data = result.data;
      var shown;
      if (!result.ok) {
        var msg = errorText(status, data);
        shown = renderSystem(msg);
        remember({ role: 'system', text: msg });
      } else if (!data || typeof data !== 'object' || !Array.isArray(data.replies)) {
        var odd = '抱歉，收到了无法识别的回复 / Sorry, the server sent an unexpected response';
        shown = renderSystem(odd);
        remember({ role: 'system', text: odd });
      } else {
        var forgotten = data.forgotten === true;
        if (forgotten) clearConversation();
        data.replies.forEach(function (r) {
          var reply = normReply(r);
          if (!reply) return;
          var node = renderBot(reply);
          if (!shown) shown = node;
          if (!forgotten) remember({ role: 'bot', reply: reply });
        });
      }
      return shown;
    }, function () {
      // Network failure, timeout or aborted body: offer a retry (the button is not kept in history).
      remember({ role: 'system', text: NETWORK_FAIL });
      return renderSystem(NETWORK_FAIL, payload);
    }).then(function (shown) {
      if (timer) clearTimeout(timer);
      setBusy(false);
      reveal(shown || firstNew);
      if (fromInput && finePointer) input.focus();
    }, function () {
      if (timer) clearTimeout(timer);
      setBusy(false);
      if (fromInput && finePointer) input.focus();
    });
  }

  /* ---------- composer ---------- */

  // A longer paste is cut to what the bot accepts, and the person is told so.
  function enforceLimit() {
    if (input.value.length > MAX_LEN) {
      var over = input.value.length;
      input.value = input.value.slice(0, MAX_LEN);
      cutNote.textContent = '内容过长，已截断为 ' + MAX_LEN + ' 字（原 ' + over + ' 字）/ Too long: cut to ' + MAX_LEN + ' characters (was ' + over + ')';
      cutNote.hidden = false;
    } else if (input.value.length < MAX_LEN) {
      cutNote.hidden = true;
    }
  }

  function autosize() {
    input.style.height = '';
    if (input.value) {
      input.style.height = 'auto';
      input.style.height = Math.min(input.scrollHeight + 2, 200) + 'px';
    }
    var n = input.value.length;
    if (n >= MAX_LEN - 400) {
      counter.hidden = false;
      counter.textContent = n + ' / ' + MAX_LEN;
    } else {
      counter.hidden = true;
    }
  }

  function submitText(text) {
    var value = String(text).slice(0, MAX_LEN);
    if (busy || !value.trim()) return;
    input.value = '';
    cutNote.hidden = true;
    autosize();
    send({ text: value.trim() }, value.trim(), true);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    submitText(input.value);
  });

  input.addEventListener('keydown', function (e) {
    // Enter sends; Shift+Enter makes a new line; never send while an IME is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submitText(input.value);
    }
  });
  input.addEventListener('input', function () { enforceLimit(); autosize(); });

  // What a pressed button says in the conversation: on a result card, the card's patent too ("详情 · CN… 一种…").
  function echoOf(btn, action) {
    var label = btn.textContent || action;
    var card = btn.closest('.card');
    var title = card && card.querySelector('.card-title');
    if (!title || !title.textContent) return label;
    var t = title.textContent.replace(/\s+/g, ' ').trim();
    return label + ' · ' + (t.length > 48 ? t.slice(0, 47) + '…' : t);
  }

  log.addEventListener('click', function (e) {
    var target = e.target;
    if (!(target instanceof Element)) return;
    var btn = target.closest('button');
    if (!btn || btn.disabled || busy) return;
    var example = btn.getAttribute('data-example');
    var action = btn.getAttribute('data-action');
    var retry = btn.getAttribute('data-retry');
    if (example !== null) {
      input.value = example;
      autosize();
      submitText(example);
    } else if (action !== null) {
      send({ action: action }, echoOf(btn, action), false);
    } else if (retry !== null && retries[retry]) {
      var p = retries[retry];
      delete retries[retry];
      var row = btn.parentNode;
      if (row && row.parentNode) row.parentNode.removeChild(row);
      send(p, null, false);
    }
  });

  // A new conversation for the same person: the page and the tab's history are cleared and the
  // server drops open dialogues; registrations and requests stay listable and cancellable.
  newChatBtn.addEventListener('click', function () {
    if (busy) return;
    clearConversation();
    renderWelcome();
    input.value = '';
    cutNote.hidden = true;
    autosize();
    window.scrollTo(0, 0);
    send({ action: 'nc' }, null, true);
  });

  /* ---------- start ---------- */

  var saved = readHistory();
  if (saved.length) {
    saved.forEach(renderEntry);
    history = saved.slice(-HISTORY_MAX);
    if (!log.firstChild) renderWelcome();
    window.scrollTo(0, document.documentElement.scrollHeight);
  } else {
    renderWelcome();
  }
  if (finePointer) input.focus();
})();

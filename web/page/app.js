// tokensim web page: draws the frame protocol as DOM and sends keys, sizes
// and pastes back over one WebSocket (or, in the static build, to the
// player running in this page: see openTransport). Our own code; nothing
// from another host.
// The frame protocol of issue 18 (web/protocol.go is the server's side):
// server -> page "frame", "clipboard", "status", "bye"; page -> server
// "key", "resize", "paste", all JSON text messages.
(function () {
  "use strict";

  var screen = document.getElementById("screen");
  var cursorEl = document.getElementById("cursor");
  var input = document.getElementById("input");
  var statusEl = document.getElementById("status");
  var measure = document.getElementById("measure");

  var rows = [];          // one <div class="row"> per screen row
  var cell = { w: 8, h: 16 };
  var size = { cols: 0, rows: 0 };
  var sock = null;
  var attempt = 0;        // reconnect attempts since the last open socket
  var ended = false;      // the server said "bye": do not reconnect by itself
  var retryTimer = 0;

  function measureCell() {
    var r = measure.getBoundingClientRect();
    var n = measure.textContent.length;
    if (r.width > 0 && r.height > 0) {
      cell.w = r.width / n;
      cell.h = r.height;
    }
    document.documentElement.style.setProperty("--cell-h", cell.h + "px");
  }

  function wantedSize() {
    var cols = Math.max(1, Math.floor(screen.clientWidth / cell.w));
    var rws = Math.max(1, Math.floor(screen.clientHeight / cell.h));
    return { cols: cols, rows: rws };
  }

  function send(msg) {
    if (sock && sock.readyState === 1) { // OPEN, for either transport
      sock.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  function sendResize(force) {
    var s = wantedSize();
    if (!force && s.cols === size.cols && s.rows === size.rows) return;
    // The page's own colours go with its size: the player asks its
    // terminal for the background to choose light or dark styles.
    var css = getComputedStyle(document.documentElement);
    var msg = { type: "resize", cols: s.cols, rows: s.rows,
      fg: css.getPropertyValue("--fg").trim(), bg: css.getPropertyValue("--bg").trim() };
    if (send(msg)) {
      size = s;
    }
  }

  // ---- drawing ----------------------------------------------------------

  function ensureRows(n) {
    while (rows.length < n) {
      var d = document.createElement("div");
      d.className = "row";
      screen.insertBefore(d, cursorEl);
      rows.push(d);
    }
    while (rows.length > n) {
      screen.removeChild(rows.pop());
    }
  }

  function spanFor(sp) {
    var s = document.createElement("span");
    s.textContent = sp.text || "";
    var cls = [];
    if (sp.bold) cls.push("b");
    if (sp.italic) cls.push("i");
    if (sp.underline) cls.push("u");
    if (sp.faint) cls.push("f");
    var fg = sp.fg || "", bg = sp.bg || "";
    if (sp.reverse) {
      // Reverse video swaps the pen's colours; an unset colour is the
      // default one, which only CSS knows (light or dark scheme).
      s.style.color = bg || "var(--bg)";
      s.style.backgroundColor = fg || "var(--fg)";
      cls.push("r");
    } else {
      if (fg) s.style.color = fg;
      if (bg) s.style.backgroundColor = bg;
    }
    if (cls.length) s.className = cls.join(" ");
    return s;
  }

  function drawFrame(f) {
    if (typeof f.rows === "number") ensureRows(f.rows);
    var lines = f.lines || [];
    for (var i = 0; i < lines.length; i++) {
      var ln = lines[i];
      var row = rows[ln.y];
      if (!row) continue;
      var frag = document.createDocumentFragment();
      var spans = ln.spans || [];
      for (var j = 0; j < spans.length; j++) frag.appendChild(spanFor(spans[j]));
      row.replaceChildren(frag);
    }
    if (window.tokensimFirstFrameMs === undefined) window.tokensimFirstFrameMs = performance.now(); // issue 18: navigation start to first frame drawn, read by the browser tests
    // A frame without a cursor leaves it where it was.
    var c = f.cursor;
    if (!c) return;
    if (c.visible) {
      cursorEl.hidden = false;
      cursorEl.style.left = c.x * cell.w + "px";
      cursorEl.style.top = c.y * cell.h + "px";
      cursorEl.style.width = cell.w + "px";
      cursorEl.style.height = cell.h + "px";
      // The input follows the cursor so an input method's candidate window
      // opens where the text goes.
      input.style.left = cursorEl.style.left;
      input.style.top = cursorEl.style.top;
    } else {
      cursorEl.hidden = true;
    }
  }

  // ---- status line ------------------------------------------------------

  function showStatus(text, withButton) {
    pasteRefused = false;
    statusEl.textContent = text;
    if (withButton) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = (window.tokensimTransport && window.tokensimTransport.again) || "Connect again";
      b.addEventListener("click", function () {
        ended = false;
        attempt = 0;
        connect();
      });
      statusEl.appendChild(b);
    }
    statusEl.hidden = false;
  }

  function hideStatus() {
    statusEl.hidden = true;
    statusEl.textContent = "";
  }

  // ---- socket -----------------------------------------------------------

  // The transport: a WebSocket to tokensim web, or, in the static build
  // (tokensim web --export), the player running in this page as
  // WebAssembly: wasm-boot.js sets window.tokensimTransport to make an
  // object with the WebSocket's send, readyState, onopen, onmessage and
  // onclose. Both carry the same JSON messages.
  function openTransport() {
    if (window.tokensimTransport) return window.tokensimTransport();
    var proto = location.protocol === "https:" ? "wss:" : "ws:";
    return new WebSocket(proto + "//" + location.host + "/ws");
  }

  function connect() {
    clearTimeout(retryTimer);
    var ws = openTransport();
    sock = ws;
    var opened = false;
    ws.onopen = function () {
      opened = true; // in onopen: the static build's transport has no addEventListener
      attempt = 0;
      hideStatus();
      sendResize(true);
    };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      switch (m.type) {
        case "frame": drawFrame(m); break;
        case "clipboard": copy(m.text || ""); break;
        case "status": showStatus(m.text || ""); break;
        case "bye":
          ended = true;
          showStatus((m.text || "The session ended.") + " ", true);
          break;
      }
    };
    ws.onclose = function () {
      if (sock !== ws) return;
      sock = null;
      if (ended) return;
      if (!opened) loginIfNeeded();
      // Backoff: 0.5 s doubling to 10 s, with jitter so a room of browsers
      // that lost the server together does not return in one burst.
      var delay = Math.min(10000, 500 * Math.pow(2, attempt));
      delay = delay / 2 + Math.random() * delay / 2;
      attempt++;
      showStatus("Connection lost. Reconnecting in " + Math.ceil(delay / 1000) +
        " s (attempt " + attempt + ")…");
      retryTimer = setTimeout(connect, delay);
    };
  }

  // A socket refused before it opened may want a login: the browser does
  // not tell the page the handshake's status, so ask /session (401: the
  // room needs a password and this browser has no session).
  function loginIfNeeded() {
    fetch("/session", { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) location.assign("/login");
    }).catch(function () {});
  }

  function copy(text) {
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      showStatus("tokensim asked to copy text, but this browser gives the page no clipboard.");
      return;
    }
    navigator.clipboard.writeText(text).catch(function () {
      showStatus("tokensim asked to copy text, but the browser did not allow it.");
    });
  }

  // ---- keys -------------------------------------------------------------

  // The bytes an xterm-compatible terminal sends for a key (normal cursor
  // key mode), per XTerm Control Sequences, "PC-Style Function Keys"
  // (invisible-island.net/xterm/ctlseqs): CSI A..D for the arrows, CSI H/F
  // for Home/End, CSI 5~/6~ for Page Up/Down, CSI Z for Shift+Tab, SS3 P..S
  // for F1-F4; Backspace is DEL (0x7f), xterm's default. Ctrl+letter is the
  // letter's code AND 0x1f (C0 controls). Returns "" for keys left to the
  // browser.
  var named = {
    Enter: "\r", Escape: "\x1b", Tab: "\t", Backspace: "\x7f",
    ArrowUp: "\x1b[A", ArrowDown: "\x1b[B", ArrowRight: "\x1b[C", ArrowLeft: "\x1b[D",
    Home: "\x1b[H", End: "\x1b[F", PageUp: "\x1b[5~", PageDown: "\x1b[6~",
    Insert: "\x1b[2~", Delete: "\x1b[3~",
    F1: "\x1bOP", F2: "\x1bOQ", F3: "\x1bOR", F4: "\x1bOS"
  };

  function keyBytes(e) {
    if (e.isComposing || e.metaKey) return "";
    var k = e.key;
    if (k === "Tab" && e.shiftKey) return "\x1b[Z";
    if (named.hasOwnProperty(k)) return (e.altKey ? "\x1b" : "") + named[k];
    if ([...k].length !== 1) return "";
    if (e.ctrlKey) {
      var lower = k.toLowerCase();
      // Ctrl+V and Ctrl+Shift+C/V stay with the browser: paste arrives as a
      // paste event; copy of a selection is the browser's.
      if (lower === "v" || (e.shiftKey && lower === "c")) return "";
      // Ctrl+C with text selected copies it; without a selection it is ^C.
      if (lower === "c" && String(window.getSelection()) !== "") return "";
      if (lower >= "a" && lower <= "z") return String.fromCharCode(lower.charCodeAt(0) - 96);
      if (k === " " || k === "@") return "\x00";
      if (k === "[") return "\x1b";
      if (k === "\\") return "\x1c";
      if (k === "]") return "\x1d";
      return "";
    }
    return (e.altKey ? "\x1b" : "") + k;
  }

  // sentByKeydown: the last keydown already sent its bytes, so text that
  // still reaches the textarea for it (a char event dispatched on its own,
  // as DevTools' Input.dispatchKeyEvent does) must not be sent twice.
  var sentByKeydown = false;
  input.addEventListener("keydown", function (e) {
    var b = keyBytes(e);
    sentByKeydown = b !== "";
    if (b === "") return;
    e.preventDefault();
    if (send({ type: "key", data: b })) clearPasteRefused();
  });

  // Text from an input method arrives when composition ends.
  input.addEventListener("compositionend", function (e) {
    if (e.data) send({ type: "key", data: e.data });
    input.value = "";
  });
  input.addEventListener("input", function (e) {
    // keydown prevented every key it sent, so text left here came from an
    // input method (cleared at compositionend) or a mobile keyboard.
    if (e.isComposing || !input.value) return;
    if (!sentByKeydown) send({ type: "key", data: input.value });
    sentByKeydown = false;
    input.value = "";
  });

  // tokensim web reads at most 64 KiB of one message (web.ReadLimit) and
  // closes the socket past it (status 1009, RFC 6455 §7.4.1), which would
  // look here like a lost connection. So a paste is capped in the page, on
  // the message as sent: JSON escaping (\" \\ \n, \u00XX for other
  // controls) makes it longer than the text, so its UTF-8 bytes are
  // counted (TextEncoder, as WebSocket.send encodes a string), not
  // guessed. 48 KB (48,000 bytes) stays well under the limit; the static
  // build's player has no such limit but keeps the page's one rule.
  var pasteMax = 48000;
  var pasteRefused = false; // the status line shows a refused paste
  document.addEventListener("paste", function (e) {
    var t = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
    e.preventDefault();
    if (!t) return;
    var msg = { type: "paste", text: t };
    var n = new TextEncoder().encode(JSON.stringify(msg)).length;
    if (n > pasteMax) {
      showStatus("That paste is too long for tokensim (" + Math.ceil(n / 1000) +
        " KB; at most " + pasteMax / 1000 + " KB).");
      pasteRefused = true;
      return;
    }
    if (send(msg)) clearPasteRefused();
  });
  function clearPasteRefused() {
    if (pasteRefused && !statusEl.hidden) hideStatus();
    pasteRefused = false;
  }

  // Keep keyboard focus: clicking the screen (without selecting text) gives
  // the keys back to the input.
  screen.addEventListener("mouseup", function () {
    if (String(window.getSelection()) === "") input.focus();
  });
  window.addEventListener("focus", function () { input.focus(); });

  // A light or dark preference that changes while the page is open
  // reaches the player with the new colours.
  if (window.matchMedia) {
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    var onScheme = function () { sendResize(true); };
    if (scheme.addEventListener) scheme.addEventListener("change", onScheme);
  }

  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { measureCell(); sendResize(false); }, 100);
  });

  function start() {
    measureCell();
    input.focus();
    connect();
  }
  if (document.fonts && document.fonts.ready) {
    document.fonts.ready.then(start);
  } else {
    start();
  }
})();

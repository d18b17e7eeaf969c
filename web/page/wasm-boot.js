// tokensim static build (tokensim web --export): runs the player in this
// page as WebAssembly, with no server. Loaded after Go's wasm_exec.js
// (which defines Go) and before app.js, which draws the same frame
// protocol it draws for tokensim web: window.tokensimTransport gives
// app.js an object with the WebSocket's send, readyState, onopen,
// onmessage and onclose (https://websockets.spec.whatwg.org/#the-websocket-interface)
// whose other end is cmd/tokensim-wasm in this page, not a socket.
(function () {
  "use strict";

  var statusEl = document.getElementById("status");
  var screen = document.getElementById("screen");

  function say(text) {
    statusEl.textContent = text;
    statusEl.hidden = false;
  }

  // What this build cannot do, and why, on the page for as long as it is
  // open: one line above the terminal (app.js sizes the terminal to what
  // is left of the window).
  var note = document.createElement("div");
  note.id = "static-note";
  note.textContent = "tokensim in your browser, with no server: no workshop room and no " +
    "tokensim serve here (they need a running tokensim). Progress stays in this browser.";
  note.title = note.textContent;
  note.setAttribute("role", "note");
  var s = note.style;
  s.position = "absolute"; s.left = "0"; s.right = "0"; s.top = "0";
  s.height = "22px"; s.lineHeight = "22px"; s.padding = "0 0.8em";
  s.font = "13px system-ui, sans-serif"; s.whiteSpace = "nowrap";
  s.overflow = "hidden"; s.textOverflow = "ellipsis";
  s.borderBottom = "1px solid currentColor"; s.opacity = "0.8";
  document.body.insertBefore(note, screen);
  screen.style.top = "23px";

  function mb(n) { return (n / 1e6).toFixed(1) + " MB"; }

  // counted is the response's body as a stream that shows its progress
  // on the status line. With a Content-Encoding (gzip), Content-Length is
  // the compressed size, not what the stream yields: then no total.
  function counted(resp) {
    var total = resp.headers.get("Content-Encoding") ? 0 : Number(resp.headers.get("Content-Length")) || 0;
    if (!resp.body || !resp.body.getReader) return resp.body;
    var reader = resp.body.getReader();
    var got = 0;
    return new ReadableStream({
      pull: function (ctl) {
        return reader.read().then(function (r) {
          if (r.done) { ctl.close(); return; }
          got += r.value.byteLength;
          say("Loading the player (tokensim.wasm): " + mb(got) + (total ? " of " + mb(total) : "") + "…");
          ctl.enqueue(r.value);
        });
      }
    });
  }

  // load fetches and compiles tokensim.wasm once; every player the page
  // starts is a new instance of it. Streaming compile needs the server to
  // send Content-Type: application/wasm
  // (https://webassembly.github.io/spec/web-api/#streaming-modules); with
  // another type the whole file is read first, then compiled.
  function load() {
    if (location.protocol === "file:") {
      return Promise.reject(new Error("this page was opened as a file, and browsers do not let such a " +
        "page load tokensim.wasm. Serve its directory over HTTP, for example: python3 -m http.server -d DIR 8000"));
    }
    if (typeof WebAssembly !== "object" || typeof Go !== "function") {
      return Promise.reject(new Error("this browser runs no WebAssembly, or wasm_exec.js did not load."));
    }
    say("Loading the player (tokensim.wasm)…");
    return fetch("tokensim.wasm").then(function (resp) {
      if (!resp.ok) throw new Error("tokensim.wasm: HTTP " + resp.status);
      var type = (resp.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
      var body = new Response(counted(resp), { headers: { "Content-Type": "application/wasm" } });
      if (type === "application/wasm" && WebAssembly.compileStreaming) {
        return WebAssembly.compileStreaming(body);
      }
      return body.arrayBuffer().then(function (buf) {
        say("Compiling the player…");
        return WebAssembly.compile(buf);
      });
    });
  }
  var module = load();

  // ?lesson=ID opens a lesson directly, as tokensim play ID does.
  var lesson = new URLSearchParams(location.search).get("lesson") || "";

  function transport() {
    var t = { readyState: 0, onopen: null, onmessage: null, onclose: null };
    var bridge = null;
    var saidBye = false;
    function deliver(text) {
      if (t.readyState !== 1) return;
      try { if (JSON.parse(text).type === "bye") saidBye = true; } catch (e) { /* app.js ignores it too */ }
      if (t.onmessage) t.onmessage({ data: text });
    }
    function end(why) {
      if (t.readyState === 3) return;
      if (!saidBye) deliver(JSON.stringify({ type: "bye", text: why }));
      t.readyState = 3;
      if (t.onclose) t.onclose({ code: 1000 });
    }
    t.send = function (text) {
      if (t.readyState === 1 && bridge && bridge.send) bridge.send(text);
    };
    t.close = function () { end("the player was closed."); };
    module.then(function (mod) {
      var go = new Go();
      var code = 0;
      var exit = go.exit;
      go.exit = function (c) {
        code = c;
        // Go's wasm_exec.js leaves the program's timers armed when it exits;
        // each then throws "Go program has already exited" (golang/go#72797).
        go._scheduledTimeouts.forEach(function (id) { clearTimeout(id); });
        go._scheduledTimeouts.clear();
        exit.call(go, c);
      };
      bridge = { lesson: lesson, out: deliver };
      window.tokensimBridge = bridge; // read by the program's main as it starts
      return WebAssembly.instantiate(mod, go.importObject).then(function (inst) {
        var running = go.run(inst); // main runs until it waits: bridge.send is set
        t.readyState = 1;
        if (t.onopen) t.onopen();
        return running;
      }).then(function () {
        end("the player stopped (exit code " + code + "): reload the page for a new one.");
      });
    }).catch(function (err) {
      t.readyState = 1; // so that the reason is delivered
      end("tokensim could not start: " + (err && err.message ? err.message : err));
    });
    return t;
  }
  // The status line's button starts a new player, there being nothing to
  // reconnect to.
  transport.again = "Start again";
  window.tokensimTransport = transport;
})();

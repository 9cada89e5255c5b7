// Live event stream: WebSocket push plus REST catch-up, so a dropped connection loses nothing.
// Every event carries a seq; events are applied in seq order, each at most once.

import "./activity.js"; // every live page reports real input, so its idle clock runs right

const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_FORBIDDEN = 4403;

export class LiveStream {
  constructor({ socketPath, eventsUrl, startSeq, onEvents, onState, heartbeatSeconds = 15 }) {
    this.socketPath = socketPath;
    this.eventsUrl = eventsUrl;
    this.lastSeq = startSeq;
    this.onEvents = onEvents;
    this.onState = onState;
    this.silenceLimitMs = heartbeatSeconds * 2.5 * 1000;
    this.retryMs = 1000;
    this.catchingUp = null;
    this.pending = [];
  }

  start() {
    this.connect();
  }

  connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${this.socketPath}`);
    this.socket = socket;
    this.onState("connecting");
    socket.addEventListener("open", () => {
      this.retryMs = 1000;
      this.touch();
    });
    socket.addEventListener("message", (message) => this.receive(JSON.parse(message.data)));
    socket.addEventListener("close", (event) => this.closed(event));
  }

  receive(message) {
    this.touch();
    if (message.type === "hello") {
      this.onState("live");
      this.catchUp();
    } else if (message.type === "events") {
      this.pending.push(...message.events);
      if (this.catchingUp) return;
      // Broadcasts from different workers can overtake each other: when the next seq is not the
      // one we expect, let the outbox say what exists (a rolled-back write leaves a real gap).
      const next = Math.min(...message.events.map((event) => event.seq));
      if (next > this.lastSeq + 1) this.catchUp();
      else this.flush();
    } else if (message.type === "heartbeat" && message.latest_seq > this.lastSeq) {
      this.catchUp();
    }
  }

  flush() {
    const fresh = this.pending.filter((event) => event.seq > this.lastSeq).sort((a, b) => a.seq - b.seq);
    this.pending = [];
    if (!fresh.length) return;
    this.lastSeq = fresh[fresh.length - 1].seq;
    this.onEvents(fresh);
  }

  async catchUp() {
    if (this.catchingUp) return this.catchingUp;
    this.catchingUp = (async () => {
      try {
        let more = true;
        while (more) {
          const response = await fetch(`${this.eventsUrl}?after=${this.lastSeq}`, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          });
          if (response.status === 401) {
            // Session ended (idle or absolute limit, revoked): sign in again, then come back here.
            this.onState("signed-out");
            window.location.assign(`/accounts/login/?next=${encodeURIComponent(window.location.pathname)}`);
            return;
          }
          if (response.status === 403) {
            this.onState("denied");
            return;
          }
          if (!response.ok) throw new Error(`catch-up failed: ${response.status}`);
          const page = await response.json();
          this.pending.push(...page.events);
          this.flush();
          more = page.has_more;
        }
      } catch (error) {
        console.warn(error);
        this.onState("degraded");
      } finally {
        this.catchingUp = null;
        this.flush();
      }
    })();
    return this.catchingUp;
  }

  touch() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      // Nothing heard (not even a heartbeat): the connection is dead even if the browser thinks not.
      this.socket.close();
    }, this.silenceLimitMs);
  }

  closed(event) {
    clearTimeout(this.watchdog);
    if (event.code === CLOSE_UNAUTHENTICATED) {
      this.onState("signed-out");
      window.location.assign(`/accounts/login/?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    if (event.code === CLOSE_FORBIDDEN) {
      this.onState("denied");
      return;
    }
    this.onState("reconnecting");
    setTimeout(() => this.connect(), this.retryMs + Math.random() * 500);
    this.retryMs = Math.min(this.retryMs * 2, 15000);
  }
}

const CONNECTION_LABELS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  degraded: "Live (catch-up failed, retrying)",
  denied: "No access",
  "signed-out": "Signed out",
};

// The connection indicator every live page shows (`<div id="conn"><span class="dot"></span>
// <span class="label"></span></div>`): returns the `onState` callback for a LiveStream.
export function connectionIndicator(element) {
  return (state) => {
    element.dataset.state = state;
    element.querySelector(".label").textContent = CONNECTION_LABELS[state] || state;
  };
}

export function readConfig(id) {
  return JSON.parse(document.getElementById(id).textContent);
}

export function escapeText(value) {
  const span = document.createElement("span");
  span.textContent = value ?? "";
  return span.innerHTML;
}

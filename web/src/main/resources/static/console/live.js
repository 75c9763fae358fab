// The consoles' live client (live contract, issue 5): STOMP over a plain WebSocket at /ws, one subscription per
// stream, snapshots from /api/v1/live/snapshot. Per stream:
//   1. subscribe first and buffer what arrives;
//   2. fetch the snapshot, hand its items over, remember its seq;
//   3. apply the buffered and later messages with seq > that seq, in order;
//   4. a gap (seq > last + 1), a reset (seq back to 1, or far below the last) or a RESYNC message → fetch that stream's snapshot again
//      (buffering meanwhile);
//   5. the WebSocket closed → stompjs reconnects with back-off; the new connection loads every stream's snapshot again.
// A message numbered at or below the snapshot's seq that arrives late is older than the snapshot: ignored. A reset is
// a number far below the last one (Redis flushed: numbering restarts at 1).
// No polling: nothing is fetched except on connect, on a gap, reset or RESYNC.
import { Client, ReconnectionTimeMode } from '/webjars/stomp__stompjs/7.2.1/esm6/index.js';
import { api, csrfHeaders } from './common.js';

/**
 * @param {object} options
 * @param {Array<{name: string, destination: string, snapshot?: boolean}>} options.streams name = the snapshot's stream
 *   name (e.g. 'agents', 'mytasks'); snapshot false = a stream without a snapshot, whose gaps only call onResync
 * @param {(name: string, items: object[]) => void} options.onSnapshot the stream's full state (replace what you show)
 * @param {(name: string, message: object) => void} options.onMessage one delta, in seq order
 * @param {(name: string) => void} [options.onResync] a snapshot-less stream may have lost messages
 * @param {(status: string) => void} [options.onStatus] 'connecting' | 'live' | 'resync' | 'offline'
 */
export class LiveClient {

  constructor(options) {
    this.options = options;
    this.streams = new Map(options.streams.map((s) => [s.name, { ...s, state: 'idle', last: null, buffer: [], epoch: 0 }]));
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    this.client = new Client({
      brokerURL: `${scheme}://${window.location.host}/ws`,
      reconnectDelay: 1000,
      heartbeatIncoming: 10000,
      heartbeatOutgoing: 10000,
    });
    this.client.reconnectTimeMode = ReconnectionTimeMode.EXPONENTIAL;
    this.client.maxReconnectDelay = 30000;
    // the token may change (a new session after signing in again): read it on every (re)connect
    this.client.beforeConnect = () => { this.client.connectHeaders = { ...csrfHeaders() }; };
    this.client.onConnect = () => this.connected();
    this.client.onWebSocketClose = () => this.status('offline');
    this.client.onStompError = (frame) => {
      console.warn('STOMP error', frame.headers && frame.headers.message, frame.body);
    };
  }

  start() {
    this.status('connecting');
    this.client.activate();
  }

  stop() {
    return this.client.deactivate();
  }

  status(s) {
    if (this.options.onStatus) this.options.onStatus(s);
  }

  connected() {
    const withSnapshot = [];
    for (const stream of this.streams.values()) {
      stream.epoch++;
      stream.buffer = [];
      stream.last = null;
      stream.state = stream.snapshot === false ? 'live' : 'loading';
      this.client.subscribe(stream.destination, (frame) => this.received(stream, frame));
      if (stream.snapshot === false) {
        // a fresh connection may have missed messages of a snapshot-less stream too
        if (this.options.onResync) this.options.onResync(stream.name);
      } else {
        withSnapshot.push(stream);
      }
    }
    this.snapshot(withSnapshot).then(() => this.status('live'));
  }

  received(stream, frame) {
    let message;
    try {
      message = JSON.parse(frame.body);
    } catch (e) {
      console.warn('not JSON on', stream.destination, frame.body);
      return;
    }
    if (stream.state === 'loading') {
      stream.buffer.push(message);
      return;
    }
    this.apply(stream, message);
  }

  apply(stream, message) {
    const seq = Number(message.seq);
    const known = stream.last !== null;
    const reset = known && seq < stream.last && (seq === 1 || stream.last - seq > 1000);
    if (message.type === 'RESYNC' || reset || (known && seq > stream.last + 1)) {
      this.resync(stream);
      return;
    }
    if (known && seq <= stream.last) return; // late or duplicate: the snapshot (or a later message) already has it
    stream.last = seq;
    this.options.onMessage(stream.name, message);
  }

  resync(stream) {
    if (stream.snapshot === false) {
      stream.last = null;
      if (this.options.onResync) this.options.onResync(stream.name);
      return;
    }
    if (stream.state === 'loading') return;
    stream.state = 'loading';
    stream.buffer = [];
    this.status('resync');
    this.snapshot([stream]).then(() => this.status(this.client.connected ? 'live' : 'offline'));
  }

  /** Fetches the snapshot of these streams in one call, then replays what was buffered meanwhile. */
  async snapshot(streams) {
    if (!streams.length) return;
    const epochs = new Map(streams.map((s) => [s.name, s.epoch]));
    let body;
    for (let attempt = 0; ; attempt++) {
      try {
        body = await api('GET', `/api/v1/live/snapshot?streams=${streams.map((s) => s.name).join(',')}`);
        break;
      } catch (e) {
        console.warn('snapshot failed', e);
        const superseded = streams.some((s) => s.epoch !== epochs.get(s.name));
        if (!this.client.connected || superseded) {
          // the next connection starts over; until then the streams stay in "loading" and keep buffering
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(30000, 1000 * 2 ** attempt)));
      }
    }
    for (const stream of streams) {
      if (stream.epoch !== epochs.get(stream.name)) continue; // a newer connection took over
      const part = (body.streams || {})[stream.name] || { seq: 0, items: [] };
      stream.last = Number(part.seq) || 0;
      this.options.onSnapshot(stream.name, part.items || []);
      const buffered = stream.buffer.sort((a, b) => a.seq - b.seq);
      stream.buffer = [];
      stream.state = 'live';
      const fresh = buffered.filter((m) => m.type === 'RESYNC' || Number(m.seq) > stream.last);
      for (const message of fresh) {
        if (stream.state !== 'live') break; // a gap among the buffered ones asked for another snapshot
        this.apply(stream, message);
      }
    }
  }

}

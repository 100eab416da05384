// One render loop for every view: views ask for a frame, and all their
// pending work runs in the same animation frame, at most one every
// `minMs`. A browser frame has a fixed cost (style, layout, paint,
// compositing) whatever changed, so capping the rate bounds the main
// thread's work under any event rate; 50 ms (20 frames a second) is
// smoother than a trader can read a price.

export class Frames {
  constructor(minMs = 50) {
    this.minMs = minMs;
    this.queue = new Set();
    this.pending = false;
    this.last = -Infinity;
  }

  /** Runs fn(now) in the next frame (once, however often it is asked). */
  request(fn) {
    this.queue.add(fn);
    if (this.pending) return;
    this.pending = true;
    const wait = this.last + this.minMs - performance.now();
    if (wait > 1) setTimeout(() => requestAnimationFrame((t) => this.run(t)), wait);
    else requestAnimationFrame((t) => this.run(t));
  }

  run(now) {
    this.pending = false;
    this.last = now;
    const fns = [...this.queue];
    this.queue.clear();
    for (const fn of fns) fn(now);
  }
}

import type { Clock } from '../../../src/relay/clock';

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  constructor(private time = Date.parse('2024-05-01T12:00:00Z')) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

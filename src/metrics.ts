import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HandoffService } from './handoff/handoff-service.js';

/**
 * Prometheus metrics at /metrics. Labels are channel names and outcome kinds only: never an id,
 * a language of one person, or any text.
 */
export function createMetrics(handoff: HandoffService) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const turns = new Counter({ name: 'bot_turns_total', help: 'Turns started by people, by channel', labelNames: ['channel'], registers: [registry] });
  const errors = new Counter({ name: 'bot_turn_errors_total', help: 'Turns that failed, by channel', labelNames: ['channel'], registers: [registry] });
  const latency = new Histogram({
    name: 'bot_turn_duration_seconds',
    help: 'Time from a message arriving to the bot having answered it, by channel',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // Queue figures are read from the store when Prometheus scrapes, so every instance reports the same.
  new Gauge({
    name: 'handoff_queue_length',
    help: 'People waiting for a caseworker',
    registers: [registry],
    async collect() {
      this.set((await handoff.queue()).length);
    },
  });
  new Gauge({
    name: 'handoff_active',
    help: 'Chats a caseworker has taken over',
    registers: [registry],
    async collect() {
      this.set((await handoff.cases()).filter((c) => c.status === 'active').length);
    },
  });
  new Gauge({
    name: 'handoff_longest_wait_seconds',
    help: 'How long the person waiting longest has waited',
    registers: [registry],
    async collect() {
      const oldest = (await handoff.queue()).map((c) => Date.parse(c.requestedAt)).sort((a, b) => a - b)[0];
      this.set(oldest === undefined ? 0 : (Date.now() - oldest) / 1000);
    },
  });

  return {
    registry,
    observeTurn(channel: string, seconds: number): void {
      turns.inc({ channel });
      latency.observe({ channel }, seconds);
    },
    turnFailed(channel: string): void {
      errors.inc({ channel });
    },
  };
}

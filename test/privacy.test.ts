import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { DirectLineClient } from './support/directline-client.js';
import { startTestServer } from './support/server.js';

/** What an end-to-end run leaves in the logs and the metrics: no message text, no ids. */
describe('logs and metrics hold no personal data', () => {
  let app: App;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await startTestServer({ LOG_LEVEL: 'trace' }, { logTo: { write: (line) => lines.push(line) } });
  });
  afterAll(async () => {
    await app.close();
  });

  it('after a conversation with questions, a self-check answer, a handoff and a failure', async () => {
    const secretWords = 'Zanzibarian-kumquat my boss took my passport';
    await app.handoff.heartbeat('amina');
    const client = new DirectLineClient(app.url, 'user-Quetzalcoatl-4711');
    await client.open('fr-FR');
    await client.waitForPrompt(0);
    await client.ask('lang:en');
    await client.ask(secretWords);
    await client.ask('/human');
    const before = client.botMessages().length;
    await client.say('share:yes');
    await client.waitForBotMessages(before + 1);
    await client.say('Ouagadougou-lemon while waiting');
    // Broken requests are logged as errors too; they must not echo what was sent.
    await client.call('POST', `/conversations/${client.conversationId}/activities`, '{"text": "Reykjavik-plum", ');

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/bot_turns_total\{channel="directline"\} [1-9]/);
    expect(metrics).toMatch(/handoff_queue_length 1/);

    const everything = lines.join('\n') + metrics;
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of ['Zanzibarian', 'passport', 'Ouagadougou', 'Reykjavik', 'Quetzalcoatl', client.userId, client.conversationId, client.token]) {
      expect(everything).not.toContain(secret);
    }
    await app.handoff.offline('amina');
    client.close();
  });
});

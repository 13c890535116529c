import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dayOf } from '../analytics/check-totals.js';
import {
  buildDashboard,
  COUNTED_STAGES,
  countryName,
  dashboardQuerySchema,
  describeQuery,
  languageName,
  readCounts,
  toCsv,
  type Dashboard,
  type DashboardQuery,
} from '../analytics/dashboard.js';
import { DIRECTLINE_CHANNEL } from '../channels/directline.js';
import { TELEGRAM_CHANNEL } from '../channels/telegram.js';
import { languages } from '../config.js';
import { parse } from './parse.js';
import type { ConsoleDeps } from './routes.js';
import type { ConsoleSessions } from './session.js';

/** What GET /console/api/stats answers: the dashboard, and what its filters can be set to. */
export interface DashboardView extends Dashboard {
  options: {
    countries: Array<{ code: string; name: string }>;
    languages: Array<{ code: string; name: string }>;
    stages: string[];
  };
}

const CHANNELS = { [DIRECTLINE_CHANNEL]: 'Web chat', [TELEGRAM_CHANNEL]: 'Telegram' };

/**
 * The evidence dashboard for program staff (permission stats.read): the anonymous totals as
 * suppressed tables, as JSON for the page and as CSV. Every read and export goes to the audit log
 * with its filters, so that views narrowed again and again to corner a small group can be seen.
 */
export function registerDashboard(api: FastifyInstance, deps: Pick<ConsoleDeps, 'store' | 'handoff' | 'knowledge' | 'assessment'> & { sessions: ConsoleSessions }): void {
  const { sessions, store, handoff } = deps;

  const read = async (request: FastifyRequest, action: 'stats.viewed' | 'stats.exported'): Promise<{ query: DashboardQuery; dashboard: Dashboard }> => {
    const staff = await sessions.authorize(request, 'stats.read');
    const query = parse(dashboardQuerySchema(dayOf(new Date())), request.query);
    const knowledge = deps.knowledge();
    const { definition, texts } = deps.assessment();
    const context = { definition, words: texts.en, topicTitle: (id: string) => knowledge.topicText(id, 'en')?.title, languages, channels: CHANNELS };
    const dashboard = buildDashboard(await readCounts(store), context, query);
    await handoff.audit(staff.username, action, undefined, describeQuery(query));
    return { query, dashboard };
  };

  api.get('/stats', async (request) => {
    const { dashboard } = await read(request, 'stats.viewed');
    // Offered whether or not anything was counted for them: the list says nothing about the totals.
    const countries = [...deps.knowledge().content.countries.keys(), 'unknown'];
    return {
      ...dashboard,
      options: {
        countries: countries.map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name)),
        languages: languages.map((code) => ({ code, name: languageName(code) })),
        stages: [...COUNTED_STAGES],
      },
    } satisfies DashboardView;
  });

  api.get('/stats/csv', async (request, reply) => {
    const { query, dashboard } = await read(request, 'stats.exported');
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="evidence-${query.from}-to-${query.to}.csv"`)
      .send(toCsv(dashboard));
  });
}

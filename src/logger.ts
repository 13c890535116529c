import pino, { type Logger } from 'pino';

/**
 * Structured logs. They never carry message text, names or raw channel ids: callers log ids only
 * after `pseudonym()`, and the request serializer keeps the route pattern, not the URL (which can
 * hold a Direct Line token or a conversation id).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.text', '*.token'], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

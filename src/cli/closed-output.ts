/**
 * A reader that stops early (`npm run search -- … | head -1`) closes the pipe. That is not the
 * command's failure: it ends quietly, instead of with a stack trace about EPIPE.
 */
export function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

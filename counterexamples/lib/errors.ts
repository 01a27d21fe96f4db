/** A file fpcheck cannot use: names the file, the field (a JSON path) and the offending value. */
export class BadFileError extends Error {
  readonly code = 'EBADFILE';
  constructor(
    readonly file: string,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${detail}`);
  }
}

/** Bad command-line input. */
export class UsageError extends Error {
  readonly code = 'EUSAGE';
}

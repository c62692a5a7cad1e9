/** An answer other than 200, with the JSON body every error of the query server has. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    /** A short machine-readable code, e.g. 'bad-key' or 'store-not-queryable'. */
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

export const errorBodySchema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

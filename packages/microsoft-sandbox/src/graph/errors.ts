/** A Graph failure a handler throws; the API turns it into Microsoft's error body. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra members of `innerError` (Outlook's throttling bodies carry code/status/message there). */
    readonly innerError: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; innerError: Record<string, string> };
}

export function errorBody(error: GraphError, requestId: string, clientRequestId: string | undefined): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        ...error.innerError,
        date: new Date().toISOString().replace(/\.\d{3}Z$/, ""),
        "request-id": requestId,
        "client-request-id": clientRequestId ?? requestId,
      },
    },
  };
}

export const itemNotFound = (): GraphError =>
  new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");

export const invalidRequest = (message: string): GraphError => new GraphError(400, "ErrorInvalidRequest", message);

export const badRequest = (message: string): GraphError => new GraphError(400, "BadRequest", message);

export const accessDenied = (): GraphError =>
  new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");

export const invalidAuthenticationToken = (message: string): GraphError =>
  new GraphError(401, "InvalidAuthenticationToken", message);

/** A CAMARA `ErrorInfo` answer the sandbox sends: thrown by handlers, written by the plugin's error handler. */
export class CamaraFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CamaraFailure';
  }
}

export const failures = {
  invalidArgument: (message = 'Client specified an invalid argument, request body or query param.') =>
    new CamaraFailure(400, 'INVALID_ARGUMENT', message),
  outOfRange: (message = 'Client specified an invalid range.') =>
    new CamaraFailure(400, 'OUT_OF_RANGE', message),
  unauthenticated: () =>
    new CamaraFailure(
      401,
      'UNAUTHENTICATED',
      'Request not authenticated due to missing, invalid, or expired credentials.',
    ),
  permissionDenied: () =>
    new CamaraFailure(
      403,
      'PERMISSION_DENIED',
      'Client does not have sufficient permissions to perform this action.',
    ),
  identifierNotFound: () => new CamaraFailure(404, 'IDENTIFIER_NOT_FOUND', 'Device identifier not found.'),
  serviceNotApplicable: () =>
    new CamaraFailure(
      422,
      'SERVICE_NOT_APPLICABLE',
      'The service is not available for the provided identifier.',
    ),
  missingIdentifier: () => new CamaraFailure(422, 'MISSING_IDENTIFIER', 'The device cannot be identified.'),
  unnecessaryIdentifier: () =>
    new CamaraFailure(422, 'UNNECESSARY_IDENTIFIER', 'The device is already identified by the access token.'),
  unsupportedIdentifier: () =>
    new CamaraFailure(422, 'UNSUPPORTED_IDENTIFIER', 'The identifier provided is not supported.'),
};

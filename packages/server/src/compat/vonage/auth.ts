import type { FastifyRequest } from 'fastify';
import { decodeJwt, importSPKI, jwtVerify } from 'jose';
import type { Clock } from '../../clock/index.js';
import { ProoflineError } from '../../errors.js';
import type { Site, TenantDirectory } from '../../tenants/index.js';
import { basicCredentials } from '../basic-auth.js';

const refused = () => new ProoflineError('unauthorized', 'You did not provide correct credentials.');

/**
 * Vonage's two ways in: Basic with the api key and secret, or a Bearer JWT that the site's
 * application signed with its private key (RS256, `application_id` claim), as the SDKs make it.
 */
export class VonageAuthenticator {
  private readonly keys = new Map<string, ReturnType<typeof importSPKI>>();

  constructor(
    private readonly tenants: TenantDirectory,
    private readonly clock: Clock,
  ) {}

  async siteOf(request: FastifyRequest): Promise<Site> {
    const basic = basicCredentials(request);
    if (basic) {
      const site = this.tenants.byVonageCredentials(basic.user, basic.password);
      if (!site) throw refused();
      return site;
    }
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!bearer) throw refused();
    return this.siteOfJwt(bearer[1]!);
  }

  private async siteOfJwt(token: string): Promise<Site> {
    let applicationId: unknown;
    try {
      applicationId = decodeJwt(token).application_id;
    } catch {
      throw refused();
    }
    const site = typeof applicationId === 'string' ? this.tenants.byVonageApplication(applicationId) : null;
    const application = site?.vonage?.application;
    if (!site || !application) throw refused();
    let key = this.keys.get(application.publicKey);
    if (!key) {
      key = importSPKI(application.publicKey, 'RS256');
      this.keys.set(application.publicKey, key);
    }
    try {
      await jwtVerify(token, await key, {
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
        currentDate: new Date(this.clock.now()),
      });
    } catch {
      throw refused();
    }
    return site;
  }
}

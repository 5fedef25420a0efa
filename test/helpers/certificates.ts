/**
 * Self-signed certificates for test servers that speak TLS, made with Debian's openssl (always installed with
 * the servers): an EC P-256 key and a certificate valid for two days, naming the given DNS names and IP
 * addresses. A client trusts it by adding the certificate as a CA (for the daemon: NODE_EXTRA_CA_CERTS).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

export interface TestCertificate {
  readonly certificateFile: string;
  readonly keyFile: string;
}

export function selfSignedCertificate(dir: string, names: { readonly dns: readonly string[]; readonly ip?: readonly string[] }): Promise<TestCertificate> {
  const certificateFile = join(dir, "certificate.pem");
  const keyFile = join(dir, "key.pem");
  const alternativeNames = [...names.dns.map((name) => `DNS:${name}`), ...(names.ip ?? []).map((ip) => `IP:${ip}`)].join(",");
  const args = [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certificateFile, "-days", "2",
    "-subj", `/CN=${names.dns[0] ?? "localhost"}`, "-addext", `subjectAltName=${alternativeNames}`,
  ];
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl could not make a test certificate: ${error.message}\n${stderr}`, { cause: error }));
      else resolve({ certificateFile, keyFile });
    });
  });
}

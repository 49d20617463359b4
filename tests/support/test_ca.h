#pragma once
// Throwaway certificate authorities for TLS tests, made at run time with OpenSSL (EC P-256,
// valid from an hour ago for two days): nothing secret or expiring is checked in.
//
//   zc::test::TempDir dir;
//   zc::test::TestPki pki(dir.path());
//   MockHttpServer server(pki.localhost);                 // serves https://localhost:<port>
//   options.extra_ca_file = pki.ca_file.string();          // the client trusts the test CA
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zc::test {

/// A certificate and its private key, PEM encoded (and, from TestPki, also written to files).
struct PemPair {
    std::string cert_pem;
    std::string key_pem;
    std::filesystem::path cert_file;  // empty unless written
    std::filesystem::path key_file;
};

class TestCa {
  public:
    explicit TestCa(const std::string& common_name);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    const std::string& cert_pem() const { return cert_pem_; }
    /// A TLS server certificate signed by this CA, with these DNS names and IP addresses
    /// (IPv4 or IPv6 text) as subjectAltName entries.
    PemPair issue(const std::string& common_name, const std::vector<std::string>& dns_names,
                  const std::vector<std::string>& ip_addresses) const;

  private:
    struct Keys;
    std::unique_ptr<Keys> keys_;
    std::string cert_pem_;
};

/// The usual set, written as PEM files into `dir` (e.g. a TempDir).
struct TestPki {
    explicit TestPki(const std::filesystem::path& dir);

    std::filesystem::path ca_file;        // the trusted test CA
    PemPair localhost;                    // "localhost", 127.0.0.1 and ::1, signed by the CA
    PemPair wrong_host;                   // only "wrong-host.invalid", signed by the CA
    std::filesystem::path other_ca_file;  // an unrelated CA nobody trusts
    PemPair other_ca_localhost;           // "localhost" and 127.0.0.1, signed by the other CA
};

}  // namespace zc::test

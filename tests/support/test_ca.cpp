#include "test_ca.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <stdexcept>

namespace zc::test {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using KeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("test CA: ") + what + " failed");
}

Key make_key() {
    KeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    check(ctx != nullptr, "EVP_PKEY_CTX_new_from_name");
    check(EVP_PKEY_keygen_init(ctx.get()) == 1, "keygen_init");
    check(EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256") == 1, "set_group_name");
    EVP_PKEY* key = nullptr;
    check(EVP_PKEY_generate(ctx.get(), &key) == 1, "EVP_PKEY_generate");
    return Key(key);
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "X509_add_ext");
}

// A certificate for `key` named `cn`, to be signed by (issuer, issuer_key); self-signed when
// issuer is null.
Cert make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer) {
    Cert cert(X509_new());
    check(cert != nullptr, "X509_new");
    X509_set_version(cert.get(), 2);
    BIGNUM* serial = BN_new();
    BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
    BN_free(serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 2L * 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("zipcatcher tests"), -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    return cert;
}

std::string pem_of(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
    char* data = nullptr;
    // BIO_get_mem_data() spelled out: the macro's C cast trips -Wold-style-cast.
    const long n = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    // BIO_get_mem_data() spelled out: the macro's C cast trips -Wold-style-cast.
    const long n = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    check(static_cast<bool>(out), "writing a PEM file");
}

PemPair written(PemPair pair, const std::filesystem::path& dir, const std::string& stem) {
    pair.cert_file = dir / (stem + ".crt");
    pair.key_file = dir / (stem + ".key");
    write_file(pair.cert_file, pair.cert_pem);
    write_file(pair.key_file, pair.key_pem);
    return pair;
}

}  // namespace

struct TestCa::Keys {
    Key key;
    Cert cert;
};

TestCa::TestCa(const std::string& common_name) : keys_(std::make_unique<Keys>()) {
    keys_->key = make_key();
    keys_->cert = make_cert(keys_->key.get(), common_name, nullptr);
    X509* c = keys_->cert.get();
    add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(c, c, NID_subject_key_identifier, "hash");
    check(X509_sign(c, keys_->key.get(), EVP_sha256()) > 0, "X509_sign (CA)");
    cert_pem_ = pem_of(c);
}

TestCa::~TestCa() = default;

PemPair TestCa::issue(const std::string& common_name, const std::vector<std::string>& dns_names,
                      const std::vector<std::string>& ip_addresses) const {
    Key key = make_key();
    Cert cert = make_cert(key.get(), common_name, keys_->cert.get());
    X509* c = cert.get();
    add_ext(c, keys_->cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c, keys_->cert.get(), NID_key_usage, "critical,digitalSignature");
    add_ext(c, keys_->cert.get(), NID_ext_key_usage, "serverAuth");
    add_ext(c, keys_->cert.get(), NID_authority_key_identifier, "keyid:always");
    std::string san;
    for (const auto& d : dns_names)
        san += (san.empty() ? "DNS:" : ",DNS:") + d;
    for (const auto& ip : ip_addresses)
        san += (san.empty() ? "IP:" : ",IP:") + ip;
    if (!san.empty())
        add_ext(c, keys_->cert.get(), NID_subject_alt_name, san);
    check(X509_sign(c, keys_->key.get(), EVP_sha256()) > 0, "X509_sign (server)");
    return {pem_of(c), pem_of(key.get()), {}, {}};
}

TestPki::TestPki(const std::filesystem::path& dir) {
    const TestCa ca("zipcatcher test CA");
    const TestCa other("unrelated test CA");
    ca_file = dir / "ca.crt";
    write_file(ca_file, ca.cert_pem());
    other_ca_file = dir / "other-ca.crt";
    write_file(other_ca_file, other.cert_pem());
    localhost =
        written(ca.issue("localhost", {"localhost"}, {"127.0.0.1", "::1"}), dir, "localhost");
    wrong_host =
        written(ca.issue("wrong-host.invalid", {"wrong-host.invalid"}, {}), dir, "wrong-host");
    other_ca_localhost =
        written(other.issue("localhost", {"localhost"}, {"127.0.0.1"}), dir, "other-ca-localhost");
}

}  // namespace zc::test

#include "test_keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace zc::sim {

namespace {
std::string pem_of(EVP_PKEY* key, bool priv) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    const int ok =
        priv ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
             : PEM_write_bio_PUBKEY(bio.get(), key);
    if (ok != 1)
        throw std::runtime_error("PEM write failed");
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}
}  // namespace

TestKeyPair make_test_key_pair(const std::filesystem::path& dir) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    if (!key)
        throw std::runtime_error("RSA key generation failed");
    TestKeyPair kp;
    kp.private_key = dir / "test-only-seestar-key.pem";
    kp.public_key = dir / "test-only-seestar-key.pub.pem";
    kp.public_pem = pem_of(key.get(), false);
    { std::ofstream(kp.private_key) << pem_of(key.get(), true); }
    ::chmod(kp.private_key.c_str(), 0600);
    std::ofstream(kp.public_key) << kp.public_pem;
    return kp;
}

}  // namespace zc::sim

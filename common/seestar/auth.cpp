#include "seestar/auth.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

namespace zc::seestar {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string base64_encode(std::string_view in) {
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(in),
                                  static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0)
        return {};
    std::string out(3 * in.size() / 4, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes(in),
                                  static_cast<int>(in.size()));
    if (n < 0)
        return {};
    std::size_t len = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts the padding as zero bytes.
    for (std::size_t i = in.size(); i > 0 && in[i - 1] == '='; --i)
        --len;
    out.resize(len);
    return out;
}

std::string sign_challenge(const std::filesystem::path& key_file, std::string_view challenge) {
    if (key_file.empty())
        throw AuthError(
            "this firmware (>= 7.18) requires the RSA challenge-response, but "
            "seestar.auth_key_file is not set; point it at the private key file (PEM)");
    std::ifstream in(key_file, std::ios::binary);
    if (!in)
        throw AuthError("seestar.auth_key_file " + key_file.string() +
                        " cannot be read; check the path and its permissions");
    std::ostringstream text;
    text << in.rdbuf();
    const std::string pem = text.str();
    Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Key key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
        throw AuthError("seestar.auth_key_file " + key_file.string() +
                        " is not an unencrypted RSA private key in PEM format");
    MdCtx ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, bytes(challenge), challenge.size()) != 1)
        throw AuthError("signing the challenge failed (OpenSSL)");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       bytes(challenge), challenge.size()) != 1)
        throw AuthError("signing the challenge failed (OpenSSL)");
    sig.resize(len);
    return base64_encode(sig);
}

bool verify_signature(const std::string& public_key_pem, std::string_view data,
                      std::string_view signature_base64) {
    const std::string sig = base64_decode(signature_base64);
    if (sig.empty())
        return false;
    Bio bio(BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())));
    Key key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key.get()) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), bytes(sig), sig.size(), bytes(data), data.size()) == 1;
}

}  // namespace zc::seestar

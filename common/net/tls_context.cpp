#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ip/address.hpp>

namespace zc::net::detail {

namespace ssl = boost::asio::ssl;

TlsContext make_client_tls_context(const std::string& extra_ca_file) {
    TlsContext out;
    out.context = std::make_shared<ssl::context>(ssl::context::tls_client);
    auto& ctx = *out.context;
    ::SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    boost::system::error_code ec;
    // Honours SSL_CERT_FILE and SSL_CERT_DIR from the environment (OpenSSL's own rule).
    ctx.set_default_verify_paths(ec);
    if (ec)
        out.error = "cannot load the system certificate store: " + ec.message();
    if (!extra_ca_file.empty()) {
        ctx.load_verify_file(extra_ca_file, ec);
        if (ec)
            out.error = "cannot load extra CA file " + extra_ca_file + ": " + ec.message();
    }
    return out;
}

std::string prepare_tls_connection(ssl_st* ssl, const std::string& host) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);  // only asks: is it an IP literal?
    X509_VERIFY_PARAM* param = ::SSL_get0_param(ssl);
    ::X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (!ec) {
        if (::X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1)
            return "cannot set the expected IP address " + host;
        return {};
    }
    // SSL_set_tlsext_host_name() spelled out: the macro's C cast trips -Wold-style-cast.
    if (::SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                   const_cast<char*>(host.c_str())) != 1)
        return "cannot set SNI to " + host;
    if (::X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) != 1)
        return "cannot set the expected host name " + host;
    return {};
}

std::string describe_tls_failure(ssl_st* ssl, const boost::system::error_code& ec) {
    const long verdict = ::SSL_get_verify_result(ssl);
    if (verdict != X509_V_OK)
        return std::string("certificate verification failed: ") +
               ::X509_verify_cert_error_string(verdict);
    return ec.message();
}

}  // namespace zc::net::detail

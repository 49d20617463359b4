#pragma once
// The client side of TLS: one verifying context per HttpClient and the per-connection setup
// (SNI and host-name checking). Verification cannot be turned off: there is deliberately no
// parameter for it.
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>

struct ssl_st;

namespace zc::net::detail {

struct TlsContext {
    std::shared_ptr<boost::asio::ssl::context> context;
    /// Non-empty when the context is unusable (extra CA file unreadable): every HTTPS request
    /// then fails with this text instead of silently trusting less or more than configured.
    std::string error;
};

/// TLS 1.2+, peer verification against OpenSSL's default paths (the system store, or
/// $SSL_CERT_FILE / $SSL_CERT_DIR when set) plus `extra_ca_file` when non-empty.
TlsContext make_client_tls_context(const std::string& extra_ca_file);

/// Sets SNI (for names, not IP literals, as RFC 6066 requires) and the name or address the
/// certificate must match. Returns an error text, empty on success.
std::string prepare_tls_connection(ssl_st* ssl, const std::string& host);

/// A human reason for a failed handshake: the certificate verdict when verification failed,
/// else the TLS error.
std::string describe_tls_failure(ssl_st* ssl, const boost::system::error_code& ec);

}  // namespace zc::net::detail

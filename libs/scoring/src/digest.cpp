#include "tendo/scoring/digest.hpp"

#include "tendo/imaging/error.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <fstream>
#include <memory>

namespace tendo::scoring {

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        text[2 * i] = kDigits[bytes[i] >> 4];
        text[2 * i + 1] = kDigits[bytes[i] & 0x0f];
    }
    return text;
}

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext new_sha256_context() {
    DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
        throw Error("sha-256: cannot initialise the digest");
    return context;
}

std::string finish(EVP_MD_CTX* context) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context, digest.data(), &size) != 1)
        throw Error("sha-256: cannot finish the digest");
    return to_hex(digest.data(), size);
}

} // namespace

std::string sha256_file_hex(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path.string() + ": cannot read file");
    auto context = new_sha256_context();
    std::array<char, 1 << 16> block{};
    while (in) {
        in.read(block.data(), block.size());
        const auto got = in.gcount();
        if (got > 0 && EVP_DigestUpdate(context.get(), block.data(), static_cast<std::size_t>(got)) != 1)
            throw Error(path.string() + ": cannot hash file");
    }
    if (in.bad())
        throw Error(path.string() + ": cannot read file");
    return finish(context.get());
}

std::string sha256_hex(const std::string& bytes) {
    auto context = new_sha256_context();
    if (EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1)
        throw Error("sha-256: cannot hash");
    return finish(context.get());
}

std::string hmac_sha256_hex(const std::string& key, const std::string& message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &size))
        throw Error("hmac-sha256: cannot compute");
    return to_hex(digest.data(), size);
}

} // namespace tendo::scoring

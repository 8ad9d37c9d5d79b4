#include "support/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace dlaunch::sqlite {

namespace {

std::unexpected<Failure> failure(sqlite3* connection, int code) {
  return std::unexpected(Failure{code & 0xff, connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(code)});
}

}  // namespace

bool Failure::is_corruption() const { return code == SQLITE_CORRUPT || code == SQLITE_NOTADB; }

bool Failure::is_busy() const { return code == SQLITE_BUSY; }

// ---- Statement ------------------------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), connection_(other.connection_) {}

Statement::~Statement() { sqlite3_finalize(statement_); }

// A failed bind can only be a wrong index or no memory; either way the step that follows fails and says so.
Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Result<bool> Statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return failure(connection_, code);
}

Result<void> Statement::run() {
  while (true) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

void Statement::reset() { sqlite3_reset(statement_); }

std::string Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  return bytes != nullptr ? std::string(reinterpret_cast<const char*>(bytes),
                                        static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                          : std::string();
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

// ---- Database -------------------------------------------------------------------------------------------

Result<Database> Database::open(const std::filesystem::path& path, bool create) {
  sqlite3* connection = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &connection, flags, nullptr);
  Database database(connection);  // closed on every path, even a failed open (SQLite allocates it anyway)
  if (code != SQLITE_OK) return failure(connection, code);
  return database;
}

Database::Database(Database&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}

Database::~Database() { sqlite3_close_v2(connection_); }

Result<void> Database::exec(const char* sql) {
  const int code = sqlite3_exec(connection_, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return failure(connection_, code);
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v2(connection_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
  if (code != SQLITE_OK) return failure(connection_, code);
  return Statement(statement, connection_);
}

int64_t Database::changes() const { return sqlite3_changes64(connection_); }

void Database::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(connection_, milliseconds); }

void Database::set_checkpoint_on_close(bool checkpoint) {
  sqlite3_db_config(connection_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, checkpoint ? 0 : 1, nullptr);
}

// ---- Transaction ----------------------------------------------------------------------------------------

Result<Transaction> Transaction::begin(Database& database) {
  if (auto begun = database.exec("BEGIN IMMEDIATE"); !begun) return std::unexpected(begun.error());
  return Transaction(&database);
}

Transaction::Transaction(Transaction&& other) noexcept : database_(std::exchange(other.database_, nullptr)) {}

Transaction::~Transaction() {
  if (database_ != nullptr) (void)database_->exec("ROLLBACK");  // nothing more to do when even that fails
}

Result<void> Transaction::commit() {
  auto committed = database_->exec("COMMIT");
  if (committed) database_ = nullptr;
  return committed;
}

}  // namespace dlaunch::sqlite

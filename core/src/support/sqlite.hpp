// A thin RAII layer over SQLite's C API: a connection and its prepared statements, each closed by its
// destructor, every failure returned with SQLite's own result code and message. Only what the journal needs.
#ifndef DLAUNCH_CORE_SRC_SUPPORT_SQLITE_HPP_
#define DLAUNCH_CORE_SRC_SUPPORT_SQLITE_HPP_

#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace dlaunch::sqlite {

struct Failure {
  int code = 0;         // SQLite's primary result code (SQLITE_BUSY, SQLITE_CORRUPT, ...)
  std::string message;  // SQLite's message: "database is locked", "file is not a database", ...

  // The file is damaged or is not a database at all: never to be written over.
  bool is_corruption() const;
  // Another connection holds a lock this one needed.
  bool is_busy() const;
};

template <class T>
using Result = std::expected<T, Failure>;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Parameters by position, from 1 as in SQL's ?1.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);

  // One step: true when a row is ready to be read, false when the statement is done.
  Result<bool> step();
  // Steps to the end, for statements that return no rows.
  Result<void> run();
  // Ready to run again, with new bindings.
  void reset();

  std::string text(int column) const;
  int64_t integer(int column) const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* statement, sqlite3* connection) : statement_(statement), connection_(connection) {}
  sqlite3_stmt* statement_;
  sqlite3* connection_;
};

class Database {
 public:
  // Opens the database file `path` read-write (created when `create`).
  static Result<Database> open(const std::filesystem::path& path, bool create);

  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  ~Database();

  // Runs one or more statements that return no rows.
  Result<void> exec(const char* sql);
  Result<Statement> prepare(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t changes() const;
  // How long a statement waits for another connection's lock before it fails with SQLITE_BUSY.
  void set_busy_timeout(int milliseconds);
  // In WAL mode, whether the last connection to close moves the log into the database and deletes it (SQLite's
  // default), which flushes both to disk.
  void set_checkpoint_on_close(bool checkpoint);

 private:
  explicit Database(sqlite3* connection) : connection_(connection) {}
  sqlite3* connection_;
};

// BEGIN IMMEDIATE .. COMMIT, rolled back when destroyed uncommitted. IMMEDIATE takes the write lock at the
// start, so a writer that has to wait for another one waits there (the busy timeout) instead of failing with
// SQLITE_BUSY when a read in its transaction would have to become a write.
class Transaction {
 public:
  static Result<Transaction> begin(Database& database);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  Result<void> commit();

 private:
  explicit Transaction(Database* database) : database_(database) {}
  Database* database_;  // null once committed
};

}  // namespace dlaunch::sqlite

#endif  // DLAUNCH_CORE_SRC_SUPPORT_SQLITE_HPP_

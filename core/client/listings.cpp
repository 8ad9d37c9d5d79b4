// The journal's jobs with their states now (`dlaunch list`), and the installed plugins (`dlaunch plugins list`).
#include <dlaunch/core/sweep.hpp>

#include "session.hpp"

using namespace dlaunch::client;

extern "C" {

dl_status dl_list(dl_session* session, const char* platform, size_t limit, size_t* out_count) {
  return call(session, [&]() -> dl_status {
    if (out_count == nullptr) return usage_error(session, "out_count is NULL");
    session->listed.clear();
    session->list_warnings.clear();
    dlaunch::JournalListQuery query;
    query.platform = platform == nullptr ? "" : platform;
    if (limit > 0) query.limit = limit;
    // What `dlaunch list` shows: intents settled first, then each platform asked once.
    auto listing = dlaunch::JournalListing::open(*session->orchestrator, query);
    if (!listing) return fail(session, listing.error());
    session->list_warnings = listing->warnings();
    auto listed = listing->each_shown([&](const dlaunch::JournaledJob& job) {
      auto sweep = dlaunch::sweep_of_submission(job.entry.submission_id);
      session->listed.push_back({job, job.entry.handle(), sweep ? dlaunch::sweep_handle(*sweep) : std::string()});
    });
    if (!listed) return fail(session, listed.error());
    *out_count = session->listed.size();
    return DL_OK;
  });
}

size_t dl_list_warning_count(const dl_session* session) {
  return session == nullptr ? 0 : session->list_warnings.size();
}

const char* dl_list_warning(const dl_session* session, size_t index) {
  if (session == nullptr || index >= session->list_warnings.size()) return nullptr;
  return session->list_warnings[index].c_str();
}

dl_status dl_list_entry(dl_session* session, size_t index, dl_journal_entry* out) {
  if (session == nullptr || !big_enough(out, DL_JOURNAL_ENTRY_SIZE_1_0) || index >= session->listed.size()) {
    return DL_ERR_USAGE;
  }
  const auto& listed = session->listed[index];
  const dlaunch::JournalEntry& e = listed.job.entry;
  out->handle = listed.handle.c_str();
  out->submission_id = e.submission_id.c_str();
  out->platform = e.platform.c_str();
  out->name = e.job_name.c_str();
  out->spec_file = e.spec_file.c_str();
  out->sweep = listed.sweep.c_str();
  out->error = e.error.c_str();
  switch (e.state) {
    case dlaunch::JournalEntry::State::kIntent:
      out->journal_state = DL_JOURNAL_SUBMITTING;
      break;
    case dlaunch::JournalEntry::State::kSubmitted:
      out->journal_state = DL_JOURNAL_SUBMITTED;
      break;
    case dlaunch::JournalEntry::State::kFailed:
      out->journal_state = DL_JOURNAL_SUBMIT_FAILED;
      break;
  }
  out->has_state = listed.job.status.has_value();
  out->state = listed.job.status ? static_cast<int32_t>(listed.job.status->state) : DL_STATE_UNKNOWN;
  out->submitted_ms = e.created_ms;
  if (out->struct_size >= DL_JOURNAL_ENTRY_SIZE_1_1) out->state_unknown = listed.job.state_unknown;
  return DL_OK;
}

dl_status dl_plugins(dl_session* session, size_t* out_count) {
  return call(session, [&]() -> dl_status {
    if (out_count == nullptr) return usage_error(session, "out_count is NULL");
    *out_count = session->orchestrator->catalog().plugins().size();
    return DL_OK;
  });
}

dl_status dl_plugin(dl_session* session, size_t index, dl_plugin_info* out) {
  return call(session, [&]() -> dl_status {
    const auto& plugins = session->orchestrator->catalog().plugins();
    if (!big_enough(out, DL_PLUGIN_INFO_SIZE_1_0) || index >= plugins.size()) {
      return usage_error(session, "no plugin " + std::to_string(index) + " (or dl_plugin_info too small)");
    }
    // The catalog is read once per session: these strings live as long as it.
    const dlaunch::PluginManifest& m = plugins[index];
    out->id = m.id.c_str();
    out->version = m.version.c_str();
    out->description = m.description.c_str();
    out->directory = m.directory.c_str();
    out->abi_major = m.abi_major;
    out->abi_minor = m.abi_minor;
    return DL_OK;
  });
}

}  // extern "C"

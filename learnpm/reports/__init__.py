"""Read-only progress reports: dashboards, cohort, item statistics, charts."""

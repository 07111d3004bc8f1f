"""Dashboard entry point: the router and frame; each page is one file in dashboard/pages/."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="fanpulse", page_icon="📈", layout="wide")

pages = [st.Page("pages/overview.py", title="Overview", icon="📊", default=True)]
st.navigation(pages).run()

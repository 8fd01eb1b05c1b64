"""The first page's script for st.navigation: the two-weight explorer."""

from ui import explorer

explorer.main()

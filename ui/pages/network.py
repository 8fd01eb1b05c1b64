"""The second page's script for st.navigation: the small network."""

from ui import network

network.main()

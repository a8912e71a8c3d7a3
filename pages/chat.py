import streamlit as st
st.title('chat')

import streamlit as st
st.title('images')

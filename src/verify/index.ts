console.log('verify');
